"""basic.consume on a queue that holds messages: consume-ok comes before the first basic.deliver.

Clients that register a consumer's callback only when consume-ok arrives (py-amqp, so kombu and
Celery) reject a delivery that overtakes it: the message comes back flagged redelivered. Raw
sockets, to see the order on the wire; each try on a fresh connection."""
import struct
import uuid

import pika
import pytest

from amqpraw import RawConnection, frame, method, shortstr

pytestmark = pytest.mark.client("raw sockets")

TRIES = 40  # on Warren with 2 event loops, a third or more of the tries went wrong


def consume(queue):
    arguments = struct.pack(">H", 0) + shortstr(queue) + shortstr("c1") + b"\x00" + struct.pack(">I", 0)
    return frame(1, 1, method(60, 20, arguments))


def first_two_methods(raw):
    methods = []
    while len(methods) < 2:
        got = raw.read_frame()
        assert got is not None, "connection closed"
        frame_type, _, payload = got
        if frame_type == 1:
            methods.append(struct.unpack(">HH", payload[:4]))
    return methods


def test_consume_ok_precedes_the_first_delivery(amqp_url, amqp_port):
    setup = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = setup.channel()
    orders = []
    try:
        for _ in range(TRIES):
            queue = channel.queue_declare(f"order-{uuid.uuid4().hex[:8]}").method.queue
            channel.basic_publish("", queue, b"ready")
            channel.queue_declare(queue, passive=True)  # the message is in the queue
            raw = RawConnection(amqp_port)
            try:
                raw.open_channel(1)
                raw.send(consume(queue))
                orders.append(first_two_methods(raw))
            finally:
                raw.close()
            channel.queue_delete(queue)
    finally:
        setup.close()
    consume_ok, deliver = (60, 21), (60, 60)
    assert [o for o in orders if o != [consume_ok, deliver]] == []
