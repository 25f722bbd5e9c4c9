"""Flow control towards consumers: a client that stops reading its socket gets only what its
socket and a bounded window hold; the rest waits in the queue instead of in broker memory."""
import socket
import struct
import uuid

import pika

from amqpraw import RawConnection, frame, method, shortstr

MESSAGES = 20_000
BODY = b"x" * 1024


def test_a_consumer_that_stops_reading_leaves_the_backlog_in_the_queue(amqp_url, amqp_port):
    queue = f"slow-{uuid.uuid4().hex[:8]}"
    publisher = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = publisher.channel()
    channel.queue_declare(queue, auto_delete=False)
    try:
        # A raw consumer with a small receive buffer that never reads: no-ack, no prefetch.
        stuck = RawConnection(amqp_port)
        stuck.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stuck.open_channel(1)
        consume = struct.pack(">H", 0) + shortstr(queue) + shortstr("stuck") + bytes([0b0010]) + struct.pack(">I", 0)
        stuck.send(frame(1, 1, method(60, 20, consume)))
        stuck.read_frame()  # consume-ok
        for _ in range(MESSAGES):
            channel.basic_publish("", queue, BODY)
        # The declare-ok comes after every publish before it was routed and stored. The stuck
        # consumer took at most what its socket buffers and the broker's delivery window hold.
        left = channel.queue_declare(queue, passive=True).method.message_count
        print(f"{MESSAGES - left} of {MESSAGES} went to the stuck consumer")
        assert left >= MESSAGES // 2, f"only {left} of {MESSAGES} still queued: deliveries were buffered"
        stuck.sock.close()
    finally:
        channel.queue_delete(queue)
        publisher.close()
