"""Consumer groups on one queue: each group gets every message once, at its own pace, and
its members compete for them. Warren-only: RabbitMQ has no x-consumer-group."""
import uuid

import pika
import pytest

TIMEOUT = 10  # seconds: the longest wait for one delivery

pytestmark = pytest.mark.warren_only("x-consumer-group is a Warren extension")


def read(channel, queue, group, offset=None, count=0, ack=True):
    """Consumes `count` messages from `group` (bounded wait; pika requeues any further ones its
    consumer holds when cancelled); returns their bodies. With count=0, joins the group and
    returns whatever arrived by the reply to one more round trip (expected: nothing)."""
    arguments = {"x-consumer-group": group}
    if offset is not None:
        arguments["x-stream-offset"] = offset
    if count == 0:
        arrived = []
        tag = channel.basic_consume(queue, lambda ch, m, p, body: arrived.append(body), arguments=arguments)
        channel.queue_declare(queue, passive=True)  # deliveries sent before its reply are handled below
        channel.connection.process_data_events(time_limit=0)
        channel.basic_cancel(tag)
        return arrived
    bodies = []
    for method, _, body in channel.consume(queue, arguments=arguments, inactivity_timeout=TIMEOUT):
        assert method is not None, f"only {len(bodies)} of {count} messages arrived"
        bodies.append(body)
        if ack:
            channel.basic_ack(method.delivery_tag)
        if len(bodies) == count:
            break
    channel.cancel()
    return bodies


def test_each_group_reads_every_message_once_at_its_own_pace(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.basic_qos(prefetch_count=100)
    queue = f"events-{uuid.uuid4().hex[:6]}"
    channel.queue_declare(queue, durable=True)
    channel.confirm_delivery()
    first = [f"e{i}".encode() for i in range(10)]
    for body in first:
        channel.basic_publish("", queue, body, pika.BasicProperties(delivery_mode=2))

    assert read(channel, queue, "billing", "first", count=10) == first
    assert read(channel, queue, "analytics", "first", count=4) == first[:4]
    assert read(channel, queue, "audit", "next") == []          # joins at the end

    later = [f"l{i}".encode() for i in range(5)]
    for body in later:
        channel.basic_publish("", queue, body, pika.BasicProperties(delivery_mode=2))
    assert read(channel, queue, "billing", count=5) == later
    assert read(channel, queue, "analytics", count=11) == first[4:] + later
    assert read(channel, queue, "audit", count=5) == later
    # The default group (plain consumers) is a group of its own: it still has all 15.
    assert channel.queue_declare(queue, passive=True).method.message_count == 15
    channel.queue_delete(queue)
    connection.close()


def test_members_of_one_group_compete(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    queue = f"work-{uuid.uuid4().hex[:6]}"
    producer = connection.channel()
    producer.queue_declare(queue)
    for i in range(20):
        producer.basic_publish("", queue, f"{i}".encode())
    a, b = connection.channel(), connection.channel()
    for channel in (a, b):
        channel.basic_qos(prefetch_count=1)
    got_a, got_b = [], []
    for channel, sink in ((a, got_a), (b, got_b)):
        channel.basic_consume(queue, lambda ch, method, props, body, sink=sink: (sink.append(body),
                                                                                   ch.basic_ack(method.delivery_tag)),
                              arguments={"x-consumer-group": "workers", "x-stream-offset": "first"})
    rounds = 200  # bounded: 200 rounds of at most 0.05 s
    while len(got_a) + len(got_b) < 20 and rounds > 0:
        connection.process_data_events(time_limit=0.05)
        rounds -= 1
    assert sorted(got_a + got_b, key=int) == [f"{i}".encode() for i in range(20)]
    assert got_a and got_b, "both members should have received work"
    producer.queue_delete(queue)
    connection.close()


def test_invalid_stream_offset_is_406(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    queue = channel.queue_declare("", exclusive=True).method.queue
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        channel.basic_consume(queue, lambda *a: None, arguments={"x-consumer-group": "g", "x-stream-offset": "sideways"})
    assert closed.value.reply_code == 406
    connection.close()


@pytest.mark.warren_only("x-partitions: queues of several partition logs")
def test_partitioned_queue_keeps_order_per_partition_key_and_feeds_every_group(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    queue = f"partitioned-{uuid.uuid4().hex[:8]}"
    channel.queue_declare(queue, durable=True, arguments={"x-partitions": 4})
    channel.confirm_delivery()
    for i in range(40):
        channel.basic_publish("", queue, f"{i % 5}:{i}".encode(),
                              pika.BasicProperties(headers={"x-partition-key": f"customer-{i % 5}"}))
    assert channel.queue_declare(queue, passive=True).method.message_count == 40
    for group in ("billing", "analytics"):
        channel.basic_qos(prefetch_count=100)
        last = {}
        seen = 0
        for method, _, body in channel.consume(queue, arguments={"x-consumer-group": group, "x-stream-offset": "first"},
                                               inactivity_timeout=TIMEOUT):
            assert method is not None
            key, sequence = body.decode().split(":")
            assert int(sequence) > last.get(key, -1), "messages of one key arrive in publish order"
            last[key] = int(sequence)
            channel.basic_ack(method.delivery_tag)
            seen += 1
            if seen == 40:
                break
        channel.cancel()
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
        channel.queue_declare(queue, durable=True, arguments={"x-partitions": 2})
    assert refused.value.reply_code == 406
    connection.close()
