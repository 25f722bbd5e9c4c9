"""pika's BlockingConnection: the core paths of a client (the same list as the other clients')."""
import uuid

import pika
import pytest

pytestmark = pytest.mark.client("pika BlockingConnection")

TIMEOUT = 10


@pytest.fixture
def channel(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    yield connection.channel()
    if connection.is_open:
        connection.close()


def fresh_queue(channel):
    return channel.queue_declare(f"pika-{uuid.uuid4().hex[:8]}").method.queue


def receive(channel, queue, count):
    """`count` deliveries (method, body), unacknowledged; each wait bounded by TIMEOUT."""
    got = []
    for method, _, body in channel.consume(queue, inactivity_timeout=TIMEOUT):
        assert method is not None, f"only {len(got)} of {count} messages arrived"
        got.append((method, body))
        if len(got) == count:
            break
    return got


def test_declare_queue(channel):
    queue = fresh_queue(channel)
    declared = channel.queue_declare(queue, passive=True).method
    assert (declared.message_count, declared.consumer_count) == (0, 0)
    channel.queue_delete(queue)
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        channel.queue_declare(queue, passive=True)
    assert closed.value.reply_code == 404


def test_publish_consume_ack(channel):
    queue = fresh_queue(channel)
    for i in range(3):
        channel.basic_publish("", queue, f"{i}".encode())
    got = receive(channel, queue, 3)
    for method, _ in got:
        channel.basic_ack(method.delivery_tag)
    channel.cancel()  # a round trip after the acks
    assert [body for _, body in got] == [b"0", b"1", b"2"]
    assert channel.basic_get(queue) == (None, None, None)
    channel.queue_delete(queue)


def test_publisher_confirms(channel):
    queue = fresh_queue(channel)
    channel.confirm_delivery()
    for i in range(20):  # each publish waits for its basic.ack (NackError on a nack)
        channel.basic_publish("", queue, f"{i}".encode())
    assert channel.queue_declare(queue, passive=True).method.message_count == 20
    channel.queue_delete(queue)


def refuse_then_receive_again(channel, refuse):
    queue = fresh_queue(channel)
    channel.basic_publish("", queue, b"again")
    [(first, body)] = receive(channel, queue, 1)
    refuse(first.delivery_tag)
    [(second, again)] = receive(channel, queue, 1)
    channel.basic_ack(second.delivery_tag)
    channel.cancel()
    assert [(body, first.redelivered), (again, second.redelivered)] == [(b"again", False), (b"again", True)]
    channel.queue_delete(queue)


def test_nack_requeue_sets_redelivered(channel):
    refuse_then_receive_again(channel, lambda tag: channel.basic_nack(tag, requeue=True))


def test_reject_requeue_sets_redelivered(channel):
    refuse_then_receive_again(channel, lambda tag: channel.basic_reject(tag, requeue=True))


def test_basic_get(channel):
    queue = fresh_queue(channel)
    for body in (b"one", b"two"):
        channel.basic_publish("", queue, body)
    method, _, body = channel.basic_get(queue)
    assert (body, method.message_count, method.redelivered) == (b"one", 1, False)
    channel.basic_ack(method.delivery_tag)
    method, _, body = channel.basic_get(queue, auto_ack=True)
    assert (body, method.message_count) == (b"two", 0)
    assert channel.basic_get(queue) == (None, None, None)
    channel.queue_delete(queue)


def test_mandatory_return(channel):
    channel.confirm_delivery()
    with pytest.raises(pika.exceptions.UnroutableError) as returned:
        channel.basic_publish("amq.direct", f"nobody-{uuid.uuid4().hex[:8]}", b"nowhere", mandatory=True)
    message = returned.value.messages[0]
    assert (message.method.reply_code, message.method.reply_text, message.body) == (312, "NO_ROUTE", b"nowhere")
