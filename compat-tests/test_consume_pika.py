"""Consuming: cancel, acks after cancel, requeue order, prefetch, consumer priorities, flow."""
import uuid

import pika
import pytest

TIMEOUT = 10


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
    # RabbitMQ requeues them after the close-ok: wait for both, one round trip per look, bounded.
    for _ in range(500):
        if other.queue_declare(queue, passive=True).method.message_count == 2:
            break
    first, _, body = other.basic_get(queue, auto_ack=True)
    assert (body, first.redelivered) == (b"0", True)


def test_global_qos_limits_all_consumers_of_the_channel_together(channel):
    first, second = fresh_queue(channel), fresh_queue(channel)
    publish(channel, first, 2)
    publish(channel, second, 2)
    channel.basic_qos(prefetch_count=2, global_qos=True)
    got = []
    for queue in (first, second):
        channel.basic_consume(queue, lambda ch, method, props, body, q=queue: got.append((q, method)))
    deadline = TIMEOUT
    while len(got) < 2 and deadline > 0:
        channel.connection.process_data_events(time_limit=0.2)
        deadline -= 0.2
    # Nothing beyond the shared limit arrives while the two are unacked.
    channel.connection.process_data_events(time_limit=0.5)
    assert len(got) == 2
    channel.basic_ack(got[0][1].delivery_tag)
    while len(got) < 3 and deadline > 0:
        channel.connection.process_data_events(time_limit=0.2)
        deadline -= 0.2
    assert len(got) == 3


def test_per_consumer_qos_applies_to_each_consumer_started_after_it(channel):
    queue = fresh_queue(channel)
    publish(channel, queue, 6)
    channel.basic_qos(prefetch_count=2)
    got = {"a": 0, "b": 0}
    channel.basic_consume(queue, lambda *args: got.__setitem__("a", got["a"] + 1))
    channel.basic_consume(queue, lambda *args: got.__setitem__("b", got["b"] + 1))
    deadline = TIMEOUT
    while sum(got.values()) < 4 and deadline > 0:
        channel.connection.process_data_events(time_limit=0.2)
        deadline -= 0.2
    channel.connection.process_data_events(time_limit=0.5)
    assert got == {"a": 2, "b": 2}


def test_higher_priority_consumer_gets_messages_first(connection, channel):
    queue = fresh_queue(channel)
    low_channel = connection.channel()
    low_channel.basic_qos(prefetch_count=10)
    channel.basic_qos(prefetch_count=3)
    low, high = [], []
    low_channel.basic_consume(queue, lambda ch, m, p, body: low.append(body), arguments={"x-priority": 1})
    channel.basic_consume(queue, lambda ch, m, p, body: high.append(body), arguments={"x-priority": 10})
    publish(channel, queue, 5)
    deadline = TIMEOUT
    while len(low) + len(high) < 5 and deadline > 0:
        connection.process_data_events(time_limit=0.2)
        deadline -= 0.2
    assert high == [b"0", b"1", b"2"] and low == [b"3", b"4"]


def test_x_priority_that_is_not_an_integer_is_406(channel):
    queue = fresh_queue(channel)
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        channel.basic_consume(queue, lambda *args: None, arguments={"x-priority": "high"})
    assert closed.value.reply_code == 406


def test_channel_flow_active_false_closes_the_connection_540_as_in_rabbitmq(channel):
    assert channel.flow(True) is True
    with pytest.raises(pika.exceptions.ConnectionClosedByBroker) as closed:
        channel.flow(False)
    assert (closed.value.reply_code, closed.value.reply_text) == (540, "NOT_IMPLEMENTED - active=false")


def test_prefetch_size_closes_the_connection_540_as_in_rabbitmq(channel):
    with pytest.raises(pika.exceptions.ConnectionClosedByBroker) as closed:
        channel.basic_qos(prefetch_size=1000)
    assert (closed.value.reply_code, closed.value.reply_text) == (540, "NOT_IMPLEMENTED - prefetch_size!=0 (1000)")
