"""py-amqp (`amqp`, the codec under kombu and Celery): the core paths of a client."""
import time
import urllib.parse
import uuid

import amqp
import pytest

pytestmark = pytest.mark.client("py-amqp")

TIMEOUT = 10


def name():
    return f"pyamqp-{uuid.uuid4().hex[:8]}"


def open_connection(amqp_url, **kwargs):
    url = urllib.parse.urlparse(amqp_url)
    connection = amqp.Connection(f"{url.hostname}:{url.port}", userid=url.username, password=url.password,
                                 virtual_host=urllib.parse.unquote(url.path[1:]) or "/", connect_timeout=TIMEOUT,
                                 **kwargs)
    connection.connect()
    return connection


@pytest.fixture
def connection(amqp_url):
    connection = open_connection(amqp_url)
    yield connection
    if connection.connected:
        connection.close()


def receive(connection, inbox, count):
    """Drives the connection until `inbox` holds `count` messages; bounded by TIMEOUT."""
    deadline = time.monotonic() + TIMEOUT
    while len(inbox) < count:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"only {len(inbox)} of {count} messages arrived"
        try:
            connection.drain_events(timeout=remaining)
        except TimeoutError:
            pass
    return inbox


def test_declare_queue(connection):
    channel = connection.channel()
    queue = name()
    assert channel.queue_declare(queue, auto_delete=False).queue == queue
    declared = channel.queue_declare(queue, passive=True)
    assert (declared.message_count, declared.consumer_count) == (0, 0)
    channel.queue_delete(queue)
    with pytest.raises(amqp.exceptions.NotFound):
        channel.queue_declare(queue, passive=True)


def test_publish_consume_ack(connection):
    channel = connection.channel()
    queue = channel.queue_declare(name(), auto_delete=False).queue
    inbox = []
    # Consumes, then publishes (the order of consume-ok and deliveries is checked in
    # test_consume_order_raw.py).
    tag = channel.basic_consume(queue, callback=inbox.append)
    for i in range(3):
        channel.basic_publish(amqp.Message(f"{i}".encode()), "", queue)
    receive(connection, inbox, 3)
    for message in inbox:
        channel.basic_ack(message.delivery_tag)
    channel.basic_cancel(tag)
    assert [m.body for m in inbox] == [b"0", b"1", b"2"]
    assert channel.basic_get(queue) is None
    channel.queue_delete(queue)


def test_publisher_confirms(amqp_url):
    connection = open_connection(amqp_url, confirm_publish=True)
    try:
        channel = connection.channel()
        queue = channel.queue_declare(name(), auto_delete=False).queue
        for i in range(20):  # each basic_publish waits for its basic.ack (MessageNacked on a nack)
            channel.basic_publish(amqp.Message(f"{i}".encode()), "", queue)
        assert channel.queue_declare(queue, passive=True).message_count == 20
        channel.queue_delete(queue)
    finally:
        connection.close()


def refuse_then_receive_again(connection, refuse):
    channel = connection.channel()
    queue = channel.queue_declare(name(), auto_delete=False).queue
    inbox = []
    tag = channel.basic_consume(queue, callback=inbox.append)  # before publishing: see above
    channel.basic_publish(amqp.Message(b"again"), "", queue)
    first = receive(connection, inbox, 1)[0]
    refuse(channel, first.delivery_tag)
    second = receive(connection, inbox, 2)[1]
    channel.basic_ack(second.delivery_tag)
    channel.basic_cancel(tag)  # else deleting the queue cancels it, which py-amqp raises
    assert [(m.body, m.delivery_info["redelivered"]) for m in inbox] == [(b"again", False), (b"again", True)]
    channel.queue_delete(queue)


def basic_nack(channel, tag, requeue):
    """py-amqp has no basic_nack method (it only receives nacks, for confirms): send it with its codec."""
    channel.send_method(amqp.spec.Basic.Nack, "Lbb", (tag, False, requeue))


def test_nack_requeue_sets_redelivered(connection):
    refuse_then_receive_again(connection, lambda channel, tag: basic_nack(channel, tag, requeue=True))


def test_reject_requeue_sets_redelivered(connection):
    refuse_then_receive_again(connection, lambda channel, tag: channel.basic_reject(tag, requeue=True))


def test_basic_get(connection):
    channel = connection.channel()
    queue = channel.queue_declare(name(), auto_delete=False).queue
    for body in (b"one", b"two"):
        channel.basic_publish(amqp.Message(body), "", queue)
    first = channel.basic_get(queue)
    assert (first.body, first.delivery_info["message_count"], first.delivery_info["redelivered"]) == (b"one", 1, False)
    channel.basic_ack(first.delivery_tag)
    second = channel.basic_get(queue, no_ack=True)
    assert (second.body, second.delivery_info["message_count"]) == (b"two", 0)
    assert channel.basic_get(queue) is None
    channel.queue_delete(queue)


def test_mandatory_return(amqp_url):
    connection = open_connection(amqp_url, confirm_publish=True)
    try:
        channel = connection.channel()
        returned = []
        channel.events["basic_return"].add(lambda error, exchange, key, message: returned.append((error, message)))
        # With confirms the return arrives before the basic.ack that basic_publish waits for.
        channel.basic_publish(amqp.Message(b"nowhere"), "amq.direct", name(), mandatory=True)
        [(error, message)] = returned
        assert (error.reply_code, error.reply_text, message.body) == (312, "NO_ROUTE", b"nowhere")
    finally:
        connection.close()


def test_auto_delete_queue_goes_with_its_last_consumer(connection):
    """py-amqp declares auto_delete=True unless told otherwise (kombu relies on it)."""
    channel = connection.channel()
    queue = channel.queue_declare(name()).queue
    tag = channel.basic_consume(queue, callback=lambda message: None)
    channel.basic_cancel(tag)
    with pytest.raises(amqp.exceptions.NotFound):
        channel.queue_declare(queue, passive=True)

