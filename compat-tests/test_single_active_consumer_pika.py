"""Single active consumer: one consumer gets everything; the next in line takes over when it
is cancelled or its connection closes."""
import time
import uuid

import pika
import pytest

TIMEOUT = 10


def pump(connection, until, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while not until() and time.monotonic() < deadline:
        connection.process_data_events(time_limit=0.02)
    assert until(), "timed out"


def test_one_consumer_at_a_time_and_hand_over_in_order(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    queue = f"sac-{uuid.uuid4().hex[:8]}"
    channel.queue_declare(queue, exclusive=True, arguments={"x-single-active-consumer": True})
    got = {"a": [], "b": [], "c": []}
    tags = {}
    for name in ("a", "b", "c"):
        consumer = connection.channel()
        tags[name] = (consumer, consumer.basic_consume(
            queue, lambda ch, m, p, body, n=name: (got[n].append(body), ch.basic_ack(m.delivery_tag))))
    assert channel.queue_declare(queue, passive=True).method.consumer_count == 3
    for i in range(4):
        channel.basic_publish("", queue, f"{i}".encode())
    pump(connection, lambda: len(got["a"]) == 4)
    assert got["b"] == [] and got["c"] == []
    consumer, tag = tags["a"]
    consumer.basic_cancel(tag)
    channel.basic_publish("", queue, b"after-a")
    pump(connection, lambda: got["b"] == [b"after-a"])
    tags["b"][0].close()
    channel.basic_publish("", queue, b"after-b")
    pump(connection, lambda: got["c"] == [b"after-b"])
    connection.close()


def test_single_active_consumer_must_be_a_boolean(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    queue = f"sac-{uuid.uuid4().hex[:8]}"
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        connection.channel().queue_declare(queue, arguments={"x-single-active-consumer": "yes"})
    assert closed.value.reply_code == 406
    connection.close()
