"""Publishing: confirms, mandatory returns, sender-selected distribution, transactions, limits."""
import uuid

import pika
import pytest

TIMEOUT = 10


@pytest.fixture
def channel(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    yield connection.channel()
    if connection.is_open:
        connection.close()


def fresh_queue(channel, **kwargs):
    return channel.queue_declare(queue=f"q-{uuid.uuid4().hex[:8]}", **kwargs).method.queue


def get_all(channel, queue):
    bodies = []
    while True:
        method, _, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            return bodies
        bodies.append(body)


def test_confirms_ack_persistent_messages_in_a_durable_queue(channel):
    queue = fresh_queue(channel, durable=True)
    channel.confirm_delivery()
    for i in range(100):
        channel.basic_publish("", queue, f"{i}".encode(), pika.BasicProperties(delivery_mode=2))
    assert channel.queue_declare(queue, passive=True).method.message_count == 100
    channel.queue_delete(queue)


def test_mandatory_unroutable_message_is_returned_with_312(channel):
    channel.confirm_delivery()
    with pytest.raises(pika.exceptions.UnroutableError) as returned:
        channel.basic_publish("amq.direct", "nobody-listens", b"lost?", mandatory=True)
    message = returned.value.messages[0]
    assert message.method.reply_code == 312 and message.method.reply_text == "NO_ROUTE"
    assert message.body == b"lost?"


def test_publish_to_a_missing_exchange_closes_the_channel_with_404(channel):
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        channel.basic_publish(f"missing-{uuid.uuid4().hex[:6]}", "k", b"x")
        channel.queue_declare("", exclusive=True)  # the close arrives with the next round trip
    assert closed.value.reply_code == 404


def test_cc_and_bcc_route_too_and_bcc_is_not_delivered(channel):
    first, second, third = (fresh_queue(channel) for _ in range(3))
    headers = {"CC": [second], "BCC": [third], "keep": "me"}
    channel.basic_publish("", first, b"fan", pika.BasicProperties(headers=headers))
    for queue in (first, second, third):
        method, properties, body = channel.basic_get(queue, auto_ack=True)
        assert body == b"fan"
        assert properties.headers["CC"] == [second]
        assert "BCC" not in properties.headers
        assert properties.headers["keep"] == "me"


def test_properties_come_back_exactly(channel):
    queue = fresh_queue(channel)
    sent = pika.BasicProperties(content_type="application/json", content_encoding="utf-8",
                                headers={"n": 1, "s": "x", "nested": {"a": [1, 2]}}, delivery_mode=2, priority=5,
                                correlation_id="c1", reply_to="r", expiration="60000", message_id="m1",
                                timestamp=1700000000, type="t", user_id="guest", app_id="a", cluster_id="cl")
    channel.basic_publish("", queue, b"{}", sent)
    _, got, _ = channel.basic_get(queue, auto_ack=True)
    for name in ("content_type", "content_encoding", "headers", "delivery_mode", "priority", "correlation_id",
                 "reply_to", "expiration", "message_id", "timestamp", "type", "user_id", "app_id", "cluster_id"):
        assert getattr(got, name) == getattr(sent, name), name


def test_transaction_commit_publishes_and_rollback_discards(channel):
    queue = fresh_queue(channel)
    channel.tx_select()
    channel.basic_publish("", queue, b"kept")
    channel.tx_commit()
    channel.basic_publish("", queue, b"discarded")
    channel.tx_rollback()
    assert get_all(channel, queue) == [b"kept"]


def test_transaction_rollback_undoes_acks(channel):
    queue = fresh_queue(channel)
    channel.basic_publish("", queue, b"job")
    channel.tx_select()
    method, _, _ = channel.basic_get(queue)
    channel.basic_ack(method.delivery_tag)
    channel.tx_rollback()
    # The ack was undone: the delivery is unacknowledged again, and comes back when recovered.
    channel.basic_recover(requeue=True)
    method, _, body = channel.basic_get(queue, auto_ack=True)
    assert body == b"job" and method.redelivered
