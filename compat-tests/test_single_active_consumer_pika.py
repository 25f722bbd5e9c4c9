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


def partition_of(key, count):
    """Warren's partition choice for an x-partition-key: FNV-1a (32 bits) modulo the count."""
    value = 2166136261
    for byte in key.encode():
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return value % count


@pytest.mark.warren_only("partitioned queues (x-partitions) are Warren's; with single active consumer each "
                         "partition is pinned to one member, as in a Kafka group")
def test_each_partition_has_one_reader_in_order_and_the_next_takes_over(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    queue = f"sacp-{uuid.uuid4().hex[:8]}"
    channel.queue_declare(queue, exclusive=True, arguments={"x-single-active-consumer": True, "x-partitions": 2})
    got = {"a": [], "b": []}
    tags = {}
    for name in ("a", "b"):
        consumer = connection.channel()
        tags[name] = (consumer, consumer.basic_consume(
            queue, lambda ch, m, p, body, n=name: (got[n].append(body.decode()), ch.basic_ack(m.delivery_tag))))
    keys = [f"key-{i}" for i in range(12)]
    expected = {0: [], 1: []}
    for i, key in enumerate(keys):
        body = f"{key}/{i}"
        expected[partition_of(key, 2)].append(body)
        channel.basic_publish("", queue, body.encode(), pika.BasicProperties(headers={"x-partition-key": key}))
    assert expected[0] and expected[1], "the keys should reach both partitions"
    pump(connection, lambda: len(got["a"]) + len(got["b"]) == len(keys))
    # Partition p belongs to the p-th member; each reads its partition in publish order.
    assert got["a"] == expected[0] and got["b"] == expected[1]
    consumer, tag = tags["a"]
    consumer.basic_cancel(tag)
    channel.basic_publish("", queue, b"after-a", pika.BasicProperties(headers={"x-partition-key": keys[0]}))
    pump(connection, lambda: got["b"][-1:] == ["after-a"])
    connection.close()
