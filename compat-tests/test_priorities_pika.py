"""Priority queues (x-max-priority): higher message priorities are delivered first."""
import uuid

import pika
import pytest


@pytest.fixture
def channel(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    yield channel
    if connection.is_open:
        connection.close()


def test_higher_priorities_come_first_and_equal_ones_in_order(channel):
    queue = f"prio-{uuid.uuid4().hex[:8]}"
    channel.queue_declare(queue, exclusive=True, arguments={"x-max-priority": 5})
    for body, priority in [(b"low", 1), (b"high", 5), (b"mid-a", 3), (b"none", None), (b"mid-b", 3), (b"above", 9)]:
        channel.basic_publish("", queue, body, pika.BasicProperties(priority=priority))
    bodies = [channel.basic_get(queue, auto_ack=True)[2] for _ in range(6)]
    # Priorities above the maximum count as the maximum; no priority counts as 0.
    assert bodies == [b"high", b"above", b"mid-a", b"mid-b", b"low", b"none"]


def test_a_consumer_gets_the_backlog_by_priority(channel):
    queue = f"prio-{uuid.uuid4().hex[:8]}"
    channel.queue_declare(queue, exclusive=True, arguments={"x-max-priority": 10})
    for i, priority in enumerate([0, 10, 5, 10, 0]):
        channel.basic_publish("", queue, f"{i}".encode(), pika.BasicProperties(priority=priority))
    channel.basic_qos(prefetch_count=10)
    got = []
    for method, _, body in channel.consume(queue, inactivity_timeout=10):
        assert method is not None
        got.append(body)
        channel.basic_ack(method.delivery_tag)
        if len(got) == 5:
            break
    channel.cancel()
    assert got == [b"1", b"3", b"2", b"0", b"4"]


def test_max_priority_above_255_is_406(channel):
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        channel.queue_declare(f"prio-{uuid.uuid4().hex[:8]}", arguments={"x-max-priority": 256})
    assert closed.value.reply_code == 406
