"""Consuming: cancel, acks after cancel, requeue order, prefetch, consumer priorities, flow."""
import uuid

import pika
import pytest

TIMEOUT = 10


@pytest.fixture
def connection(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    yield connection
    if connection.is_open:
        connection.close()


@pytest.fixture
def channel(connection):
    return connection.channel()


def fresh_queue(channel, **kwargs):
    return channel.queue_declare(queue=f"q-{uuid.uuid4().hex[:8]}", **kwargs).method.queue


def publish(channel, queue, count):
    for i in range(count):
        channel.basic_publish("", queue, f"{i}".encode())


def take(channel, queue, count, **consume_args):
    """Consumes `count` messages (bounded wait) and returns their methods and bodies."""
    got = []
    for method, _, body in channel.consume(queue, inactivity_timeout=TIMEOUT, **consume_args):
        assert method is not None, f"only {len(got)} of {count} messages arrived"
        got.append((method, body))
        if len(got) == count:
            return got
    return got


def test_deliveries_stay_ackable_after_basic_cancel(channel):
    queue = fresh_queue(channel)
    publish(channel, queue, 3)
    channel.basic_qos(prefetch_count=3)
    got = take(channel, queue, 3)
    channel.cancel()
    for method, _ in got:
        channel.basic_ack(method.delivery_tag)
    declared = channel.queue_declare(queue, passive=True)
    assert declared.method.message_count == 0


def test_unacked_deliveries_of_a_cancelled_consumer_return_when_the_channel_closes(connection):
    channel = connection.channel()
    queue = fresh_queue(channel)
    publish(channel, queue, 2)
    channel.basic_qos(prefetch_count=2)
    take(channel, queue, 2)
    channel.cancel()
    assert channel.queue_declare(queue, passive=True).method.message_count == 0
    channel.close()
    other = connection.channel()
    first, _, body = other.basic_get(queue, auto_ack=True)
    assert (body, first.redelivered) == (b"0", True)
