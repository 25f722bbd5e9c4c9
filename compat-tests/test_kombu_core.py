"""kombu (the messaging layer under Celery, py-amqp transport): the core paths of a client."""
import time
import uuid

import kombu
import pytest

pytestmark = pytest.mark.client("kombu")

TIMEOUT = 10


def names():
    suffix = uuid.uuid4().hex[:8]
    exchange = kombu.Exchange(f"kombu-x-{suffix}", type="direct", durable=False)
    return exchange, kombu.Queue(f"kombu-{suffix}", exchange, routing_key="k", durable=False)


@pytest.fixture
def connection(amqp_url):
    with kombu.Connection(amqp_url, connect_timeout=TIMEOUT) as connection:
        yield connection


def receive(connection, queue, count, publish=None, on_message=None):
    """Consumes until `count` messages arrived (bounded by TIMEOUT); returns them unacknowledged.
    `publish()` runs once the consumer is registered."""
    got, deadline = [], time.monotonic() + TIMEOUT
    with connection.Consumer(queue, accept=["json"], callbacks=[lambda body, message: got.append(message)]):
        if publish:
            publish()
        while len(got) < count:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"only {len(got)} of {count} messages arrived"
            try:
                connection.drain_events(timeout=remaining)
            except TimeoutError:
                pass
            if on_message:
                on_message(got)
    return got


def test_declare_queue(connection):
    exchange, queue = names()
    bound = queue(connection.default_channel)
    bound.declare()
    assert bound.queue_declare(passive=True).message_count == 0
    bound.delete()
    exchange(connection.default_channel).delete()
    with pytest.raises(connection.channel_errors) as closed:
        bound.queue_declare(passive=True)
    assert closed.value.code == 404


def test_publish_consume_ack(connection):
    exchange, queue = names()
    producer = connection.Producer()
    queue(connection.default_channel).declare()

    def publish():
        for i in range(3):
            producer.publish({"n": i}, exchange=exchange, routing_key="k", serializer="json")
    messages = receive(connection, queue, 3, publish)
    for message in messages:
        message.ack()
    assert [m.payload for m in messages] == [{"n": 0}, {"n": 1}, {"n": 2}]
    # Closing the consumer sent basic.cancel, a round trip after the acks.
    assert queue(connection.default_channel).get() is None
    queue(connection.default_channel).delete()


def test_publisher_confirms(amqp_url):
    # confirm_publish makes py-amqp wait for each basic.ack (and raise MessageNacked on a nack).
    with kombu.Connection(amqp_url, connect_timeout=TIMEOUT, transport_options={"confirm_publish": True}) as connection:
        exchange, queue = names()
        producer = connection.Producer()
        for i in range(20):
            producer.publish({"n": i}, exchange=exchange, routing_key="k", declare=[queue], serializer="json")
        assert queue(connection.default_channel).queue_declare(passive=True).message_count == 20
        queue(connection.default_channel).delete()


@pytest.mark.skip(reason="kombu's Message has no nack; requeue() and reject() are basic.reject")
def test_nack_requeue_sets_redelivered():
    pass


def test_reject_requeue_sets_redelivered(connection):
    """kombu has no nack: Message.requeue() is basic.reject with requeue."""
    exchange, queue = names()
    queue(connection.default_channel).declare()

    def requeue_first(got):
        if len(got) == 1 and not got[0].acknowledged:
            got[0].requeue()
    first, second = receive(connection, queue, 2, on_message=requeue_first,
                            publish=lambda: connection.Producer().publish({"again": True}, exchange=exchange,
                                                                          routing_key="k"))
    second.ack()
    assert [m.delivery_info["redelivered"] for m in (first, second)] == [False, True]
    assert second.payload == {"again": True}
    queue(connection.default_channel).delete()


def test_basic_get(connection):
    exchange, queue = names()
    producer = connection.Producer()
    for body in ("one", "two"):
        producer.publish(body, exchange=exchange, routing_key="k", declare=[queue])
    bound = queue(connection.default_channel)
    first = bound.get()
    assert (first.payload, first.delivery_info["message_count"], first.delivery_info["redelivered"]) == ("one", 1,
                                                                                                          False)
    first.ack()
    second = bound.get(no_ack=True)
    assert (second.payload, second.delivery_info["message_count"]) == ("two", 0)
    assert bound.get() is None
    bound.delete()


def test_mandatory_return(amqp_url):
    returned = []
    with kombu.Connection(amqp_url, connect_timeout=TIMEOUT, transport_options={"confirm_publish": True}) as connection:
        producer = connection.Producer(on_return=lambda error, _exchange, _key, message:
                                       returned.append((error, message)))
        # With confirms the return arrives before the basic.ack that publish waits for.
        producer.publish("nowhere", exchange="amq.direct", routing_key=uuid.uuid4().hex, mandatory=True)
    [(error, message)] = returned
    assert (error.reply_code, error.reply_text, message.body) == (312, "NO_ROUTE", "nowhere")

