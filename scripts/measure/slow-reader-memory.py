#!/usr/bin/env python3
"""Memory of a broker while 100,000 messages go to a consumer that stops reading its socket.

  scripts/measure/slow-reader-memory.py PORT PID [MESSAGES]

Against a running broker on 127.0.0.1:PORT whose process is PID (Warren, or RabbitMQ's beam).
A raw consumer (no-ack, no prefetch, 4 KiB receive buffer) subscribes and never reads; a pika
publisher sends MESSAGES x 1 KiB to its queue; the script prints the broker's RSS before and
after, and how many messages reached the stuck consumer. Results: docs/benchmarks.md."""
import os
import socket
import struct
import sys
import time

from broker_process import rss_mib  # noqa: E402  (also puts compat-tests on the path)
import pika  # noqa: E402
from amqpraw import RawConnection, frame, method, shortstr  # noqa: E402


def main():
    port, pid = int(sys.argv[1]), int(sys.argv[2])
    messages = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    publisher = pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1", port))
    channel = publisher.channel()
    queue = f"slow-reader-{os.getpid()}"
    channel.queue_declare(queue)
    stuck = RawConnection(port)
    stuck.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stuck.open_channel(1)
    stuck.send(frame(1, 1, method(60, 20, struct.pack(">H", 0) + shortstr(queue) + shortstr("stuck")
                                  + bytes([0b0010]) + struct.pack(">I", 0))))
    stuck.read_frame()
    before = rss_mib(pid)
    body = b"x" * 1024
    for _ in range(messages):
        channel.basic_publish("", queue, body)
    left = channel.queue_declare(queue, passive=True).method.message_count
    time.sleep(1)  # not a wait for an event: lets the broker's memory settle before it is read
    after = rss_mib(pid)
    print(f"messages {messages} x 1 KiB; to the stuck consumer: {messages - left}; still queued: {left}")
    print(f"broker RSS before {before:.1f} MiB, after {after:.1f} MiB, growth {after - before:.1f} MiB")
    stuck.sock.close()
    channel.queue_delete(queue)
    publisher.close()


if __name__ == "__main__":
    main()
