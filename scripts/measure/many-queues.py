#!/usr/bin/env python3
"""10,000 queues with one consumer each: declare rate, consume rate, memory per queue.

  scripts/measure/many-queues.py PORT PID [QUEUES] [--durable]

On one raw AMQP connection (PLAIN guest) it pipelines QUEUES queue.declare methods (named
many-N, transient unless --durable) and counts the declare-oks, then pipelines one basic.consume
per queue and counts the consume-oks, then publishes one message to each queue and counts the
deliveries, so every queue is shown alive with its consumer. The broker's RSS (process PID) is
read before, after the declares and after the consumers, and its open descriptors with every
queue in place; the queues are deleted at the end.
Works against any broker on 127.0.0.1. Results: docs/benchmarks.md."""
import os
import struct
import sys
import time

from broker_process import rss_mib  # noqa: E402  (also puts compat-tests on the path)
from amqpraw import RawConnection, content_header, frame, method, shortstr  # noqa: E402

DECLARE_OK, CONSUME_OK, DELIVER, DELETE_OK = (50, 11), (60, 21), (60, 60), (50, 41)


def count_replies(connection, wanted, count, deadline_seconds=600):
    """Reads frames until `count` methods `wanted` arrived (other frames are skipped)."""
    seen = 0
    deadline = time.monotonic() + deadline_seconds
    while seen < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {seen} of {count} {wanted} replies within {deadline_seconds} s")
        got = connection.read_frame()
        if got is None:
            raise SystemExit(f"the broker closed the connection after {seen} {wanted} replies")
        frame_type, _, payload = got
        if frame_type != 1:
            continue
        key = struct.unpack(">HH", payload[:4])
        if key == wanted:
            seen += 1
        elif key in ((10, 50), (20, 40)):
            raise SystemExit(f"the broker closed: {payload!r}")
    return seen


def pipelined(connection, frames, wanted):
    """Sends `frames` in chunks while reading their replies; returns (replies, seconds)."""
    started = time.monotonic()
    chunk = 500
    for start in range(0, len(frames), chunk):
        connection.send(b"".join(frames[start:start + chunk]))
        count_replies(connection, wanted, len(frames[start:start + chunk]))
    return len(frames), time.monotonic() - started


def main():
    port, pid = int(sys.argv[1]), int(sys.argv[2])
    rest = sys.argv[3:]
    durable = "--durable" in rest
    numbers = [arg for arg in rest if not arg.startswith("--")]
    count = int(numbers[0]) if numbers else 10_000
    names = [f"many-{index}" for index in range(count)]
    connection = RawConnection(port)
    connection.sock.settimeout(60)
    connection.open_channel(1)
    before = rss_mib(pid)

    declare_flags = 0b00010 if durable else 0  # bit 1: durable
    declares = [frame(1, 1, method(50, 10, struct.pack(">H", 0) + shortstr(name) + bytes([declare_flags])
                                   + struct.pack(">I", 0))) for name in names]
    declared, declare_seconds = pipelined(connection, declares, DECLARE_OK)
    after_declares = rss_mib(pid)

    consumes = [frame(1, 1, method(60, 20, struct.pack(">H", 0) + shortstr(name) + shortstr(f"c-{name}")
                                   + bytes([0b0010]) + struct.pack(">I", 0))) for name in names]  # no-ack
    consumed, consume_seconds = pipelined(connection, consumes, CONSUME_OK)
    after_consumers = rss_mib(pid)
    descriptors = len(os.listdir(f"/proc/{pid}/fd"))

    body = b"x" * 16
    publishes = [frame(1, 1, method(60, 40, struct.pack(">H", 0) + shortstr("") + shortstr(name) + b"\x00"))
                 + content_header(1, len(body)) + frame(3, 1, body) for name in names]
    delivered, deliver_seconds = pipelined(connection, publishes, DELIVER)

    print(f"queues {count} ({'durable' if durable else 'transient'}), one no-ack consumer each, on one channel")
    print(f"declared {declared} in {declare_seconds:.2f} s: {declared / declare_seconds:,.0f} declares/s")
    print(f"consumers {consumed} in {consume_seconds:.2f} s: {consumed / consume_seconds:,.0f} consumes/s")
    print(f"one message to each queue: {delivered} delivered in {deliver_seconds:.2f} s")
    print(f"broker RSS before {before:.1f} MiB, after declares {after_declares:.1f} MiB "
          f"({(after_declares - before) * 1024 / count:.1f} KiB per queue), with consumers {after_consumers:.1f} MiB "
          f"({(after_consumers - before) * 1024 / count:.1f} KiB per queue with its consumer)")
    print(f"open file descriptors of the broker with every queue and consumer: {descriptors}")

    deletes = [frame(1, 1, method(50, 40, struct.pack(">H", 0) + shortstr(name) + bytes([0]))) for name in names]
    pipelined(connection, deletes, DELETE_OK)
    connection.close()


if __name__ == "__main__":
    main()
