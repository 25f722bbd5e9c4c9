"""Poison messages: x-delivery-limit on quorum queues, the x-delivery-count header, and
dead-lettering with reason delivery_limit, also when the consumer's connection dies."""
import socket
import struct
import time
import uuid

import pika
import pytest

TIMEOUT = 10


@pytest.fixture
def channel(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    yield channel
    if connection.is_open:
        connection.close()


def setup(channel, limit):
    dlx, dead, queue = (f"{p}-{uuid.uuid4().hex[:8]}" for p in ("dlx", "dead", "poison"))
    channel.exchange_declare(dlx, "fanout", auto_delete=True)
    channel.queue_declare(dead, exclusive=True)
    channel.queue_bind(dead, dlx)
    channel.queue_declare(queue, durable=True, arguments={"x-queue-type": "quorum", "x-delivery-limit": limit,
                                                          "x-dead-letter-exchange": dlx})
    return dead, queue


def take(channel, queue, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        method, properties, body = channel.basic_get(queue)
        if method is not None:
            return method, properties, body
        channel.connection.process_data_events(time_limit=0.02)
    return None, None, None


def test_returned_past_the_limit_the_message_is_dead_lettered(channel):
    dead, queue = setup(channel, 2)
    channel.basic_publish("", queue, b"poison")
    counts = []
    while True:
        method, properties, _ = take(channel, queue, timeout=1)
        if method is None:
            break
        counts.append(properties.headers["x-delivery-count"])
        channel.basic_nack(method.delivery_tag, requeue=True)
        assert len(counts) <= 5, "the limit did not stop redeliveries"
    assert counts == [0, 1, 2]
    method, properties, body = take(channel, dead)
    assert body == b"poison" and properties.headers["x-death"][0]["reason"] == "delivery_limit"
    channel.queue_delete(queue)


def kill(connection):
    """Drops the connection's TCP socket without connection.close, as a crashed process would."""
    sock = connection._impl._transport._sock
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST, not FIN
    sock.close()


def test_a_consumer_that_dies_counts_and_other_messages_keep_flowing(amqp_url, channel):
    dead, queue = setup(channel, 2)
    channel.basic_publish("", queue, b"poison")
    for i in range(3):
        # A consumer takes the poison message and its connection dies before it acks ...
        crashing = pika.BlockingConnection(pika.URLParameters(amqp_url))
        _, _, body = take(crashing.channel(), queue)
        assert body == b"poison", f"round {i}"
        # ... while other messages keep flowing to healthy consumers.
        channel.basic_publish("", queue, f"good-{i}".encode())
        method, _, body = take(channel, queue)
        assert body == f"good-{i}".encode()
        channel.basic_ack(method.delivery_tag)
        kill(crashing)
    assert take(channel, dead)[2] == b"poison"
    channel.queue_delete(queue)


def test_delivery_limit_on_a_classic_queue_is_406(channel):
    queue = f"classic-{uuid.uuid4().hex[:8]}"
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        channel.queue_declare(queue, arguments={"x-delivery-limit": 3})
    assert closed.value.reply_text == \
        f"PRECONDITION_FAILED - invalid arg 'x-delivery-limit' for queue '{queue}' in vhost '/' of queue type rabbit_classic_queue"
