"""AMQPStorm (thread-safe, blocking): the core paths of a client."""
import time
import uuid

import amqpstorm
import pytest

pytestmark = pytest.mark.client("AMQPStorm")

TIMEOUT = 10


def name():
    return f"storm-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def channel(amqp_url):
    connection = amqpstorm.UriConnection(amqp_url + f"?timeout={TIMEOUT}")
    channel = connection.channel()
    yield channel
    connection.close()


def receive(channel, count):
    """Messages delivered to the channel's consumer until `count` arrived; bounded by TIMEOUT."""
    got, deadline = [], time.monotonic() + TIMEOUT
    while len(got) < count:
        assert time.monotonic() < deadline, f"only {len(got)} of {count} messages arrived"
        got.extend(channel.build_inbound_messages(break_on_empty=True, empty_timeout=0.05))
    return got


def test_declare_queue(channel):
    queue = name()
    assert channel.queue.declare(queue)["queue"] == queue
    declared = channel.queue.declare(queue, passive=True)
    assert (declared["message_count"], declared["consumer_count"]) == (0, 0)
    channel.queue.delete(queue)
    with pytest.raises(amqpstorm.AMQPChannelError) as closed:
        channel.queue.declare(queue, passive=True)
    assert closed.value.error_code == 404


def test_publish_consume_ack(channel):
    queue = channel.queue.declare(name())["queue"]
    for i in range(3):
        channel.basic.publish(f"{i}", queue)
    channel.basic.consume(queue=queue)
    messages = receive(channel, 3)
    for message in messages:
        message.ack()
    channel.stop_consuming()  # basic.cancel: a round trip after the acks
    assert [m.body for m in messages] == ["0", "1", "2"]
    assert channel.basic.get(queue) is None
    channel.queue.delete(queue)


def test_publisher_confirms(channel):
    queue = channel.queue.declare(name())["queue"]
    channel.confirm_deliveries()
    assert all(channel.basic.publish(f"{i}", queue) is True for i in range(20))
    assert channel.queue.declare(queue, passive=True)["message_count"] == 20
    channel.queue.delete(queue)


def refuse_then_receive_again(channel, refuse):
    queue = channel.queue.declare(name())["queue"]
    channel.basic.publish("again", queue)
    channel.basic.consume(queue=queue)
    [first] = receive(channel, 1)
    refuse(first)
    [second] = receive(channel, 1)
    second.ack()
    channel.stop_consuming()
    assert [(m.body, m.redelivered) for m in (first, second)] == [("again", False), ("again", True)]
    channel.queue.delete(queue)


def test_nack_requeue_sets_redelivered(channel):
    refuse_then_receive_again(channel, lambda message: message.nack(requeue=True))


def test_reject_requeue_sets_redelivered(channel):
    refuse_then_receive_again(channel, lambda message: message.reject(requeue=True))


def test_basic_get(channel):
    queue = channel.queue.declare(name())["queue"]
    for body in ("one", "two"):
        channel.basic.publish(body, queue)
    first = channel.basic.get(queue)
    assert (first.body, first.method["message_count"], first.redelivered) == ("one", 1, False)
    first.ack()
    second = channel.basic.get(queue, no_ack=True)
    assert (second.body, second.method["message_count"]) == ("two", 0)
    assert channel.basic.get(queue) is None
    channel.queue.delete(queue)


def test_mandatory_return(channel):
    channel.confirm_deliveries()
    with pytest.raises(amqpstorm.AMQPMessageError) as returned:
        channel.basic.publish("nowhere", name(), exchange="amq.direct", mandatory=True)
    assert returned.value.error_code == 312 and "NO_ROUTE" in str(returned.value)
