"""Queue semantics a client sees on the wire: exclusive queues (405) and consumers (403), the
reserved amq. prefix (403), delete if-unused/if-empty (406), the server's basic.cancel when a
queue goes, multiple acks/nacks/rejects, basic.recover, acks in transactions, amq.match, and
where stream readers start (last, a timestamp). Same expectations on both brokers."""
import datetime
import time
import uuid

import pika
import pytest

TIMEOUT = 10


def name(prefix="qs"):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def closed_by_broker(call):
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        call()
    return closed.value.reply_code, closed.value.reply_text


def take(channel, queue, count):
    """Gets `count` messages with manual ack (bounded wait); returns (method, body) pairs."""
    got = []
    deadline = time.monotonic() + TIMEOUT
    while len(got) < count and time.monotonic() < deadline:
        method, _, body = channel.basic_get(queue)
        if method is None:
            channel.connection.process_data_events(time_limit=0.02)
            continue
        got.append((method, body))
    assert len(got) == count, f"only {len(got)} of {count}"
    return got


def count(channel, queue):
    return channel.queue_declare(queue, passive=True).method.message_count


def test_an_exclusive_queue_is_locked_to_its_connection_405(amqp_url, channel):
    queue = name()
    channel.queue_declare(queue, exclusive=True)
    other = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        text = (f"RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '{queue}' in vhost '/'. It could be "
                "originally declared on another connection or the exclusive property value does not match that of "
                "the original declaration.")
        for attempt in (lambda c: c.queue_declare(queue, passive=True),
                        lambda c: c.basic_get(queue),
                        lambda c: c.basic_consume(queue, lambda *_: None),
                        lambda c: c.queue_delete(queue)):
            assert closed_by_broker(lambda: attempt(other.channel())) == (405, text)
    finally:
        other.close()
    assert count(channel, queue) == 0  # still there for its owner


def test_the_amq_prefix_is_reserved_403(channel, connection):
    code, text = closed_by_broker(lambda: channel.exchange_declare("amq.custom", "direct"))
    assert (code, text) == (403, "ACCESS_REFUSED - exchange name 'amq.custom' contains reserved prefix 'amq.*'")
    code, text = closed_by_broker(lambda: connection.channel().queue_declare("amq.custom"))
    assert (code, text) == (403, "ACCESS_REFUSED - queue name 'amq.custom' contains reserved prefix 'amq.*'")


def test_an_exclusive_consumer_keeps_others_out_403(amqp_url, channel, connection):
    queue = name()
    channel.queue_declare(queue, auto_delete=False)
    try:
        channel.basic_consume(queue, lambda *_: None, exclusive=True)
        code, text = closed_by_broker(lambda: connection.channel().basic_consume(queue, lambda *_: None))
        assert (code, text) == (403, f"ACCESS_REFUSED - queue '{queue}' in vhost '/' in exclusive use")
    finally:
        connection.channel().queue_delete(queue)


def test_delete_if_unused_and_if_empty_refuse_406(channel, connection):
    queue = name()
    channel.queue_declare(queue, exclusive=True)
    channel.basic_publish("", queue, b"kept")
    code, text = closed_by_broker(lambda: connection.channel().queue_delete(queue, if_empty=True))
    assert (code, text) == (406, f"PRECONDITION_FAILED - queue '{queue}' in vhost '/' not empty")
    channel.basic_consume(queue, lambda *_: None)
    code, text = closed_by_broker(lambda: connection.channel().queue_delete(queue, if_unused=True))
    assert (code, text) == (406, f"PRECONDITION_FAILED - queue '{queue}' in vhost '/' in use")
    assert channel.queue_delete(queue).method.message_count == 0  # the consumer got the message


def test_deleting_a_queue_sends_its_consumers_basic_cancel(connection, channel):
    queue = name()
    channel.queue_declare(queue)
    consumer = connection.channel()
    cancelled = []
    consumer.add_on_cancel_callback(lambda frame: cancelled.append(frame.method.consumer_tag))
    tag = consumer.basic_consume(queue, lambda *_: None)
    channel.queue_delete(queue)
    deadline = time.monotonic() + TIMEOUT
    while not cancelled and time.monotonic() < deadline:
        connection.process_data_events(time_limit=0.02)
    assert cancelled == [tag]
    assert consumer.is_open


def test_multiple_settles_everything_up_to_the_tag(channel):
    queue = name()
    channel.queue_declare(queue, exclusive=True)
    for i in range(6):
        channel.basic_publish("", queue, f"{i}".encode())
    got = take(channel, queue, 6)
    channel.basic_ack(got[1][0].delivery_tag, multiple=True)        # 0, 1 acked
    channel.basic_nack(got[3][0].delivery_tag, multiple=True)       # 2, 3 back, first
    channel.basic_reject(got[4][0].delivery_tag, requeue=False)     # 4 dropped
    channel.basic_nack(got[5][0].delivery_tag, requeue=False)       # 5 dropped
    again = take(channel, queue, 2)
    assert [body for _, body in again] == [b"2", b"3"] and all(m.redelivered for m, _ in again)
    channel.basic_ack(again[1][0].delivery_tag, multiple=True)
    assert count(channel, queue) == 0


def test_basic_recover_returns_unacked_deliveries_redelivered(channel):
    queue = name()
    channel.queue_declare(queue, exclusive=True)
    for i in range(2):
        channel.basic_publish("", queue, f"{i}".encode())
    first = take(channel, queue, 2)
    assert not any(m.redelivered for m, _ in first)
    channel.basic_recover(requeue=True)
    again = take(channel, queue, 2)
    assert [body for _, body in again] == [b"0", b"1"] and all(m.redelivered for m, _ in again)
    channel.basic_ack(again[1][0].delivery_tag, multiple=True)
    assert count(channel, queue) == 0


@pytest.mark.parametrize("commit", [True, False])
def test_acks_in_a_transaction_take_effect_on_commit(connection, channel, commit):
    queue = name()
    channel.queue_declare(queue, exclusive=True)
    channel.basic_publish("", queue, b"settle-me")
    tx = connection.channel()
    tx.tx_select()
    (method, _), = take(tx, queue, 1)
    tx.basic_ack(method.delivery_tag)
    if commit:
        tx.tx_commit()
    # Closing the channel returns what it has not settled: an ack never committed did not happen.
    tx.close()
    assert count(channel, queue) == (0 if commit else 1)


def test_amq_match_is_a_headers_exchange(channel):
    queue = name()
    channel.queue_declare(queue, exclusive=True)
    channel.queue_bind(queue, "amq.match", arguments={"x-match": "any", "kind": "order", "region": "eu"})
    channel.basic_publish("amq.match", "", b"hit", pika.BasicProperties(headers={"kind": "order"}))
    channel.basic_publish("amq.match", "", b"miss", pika.BasicProperties(headers={"kind": "invoice"}))
    assert [body for _, body in take(channel, queue, 1)] == [b"hit"]
    assert count(channel, queue) == 0


def read_stream(channel, queue, offset, expected):
    """Consumes from `offset` until `expected` bodies arrived (bounded)."""
    got = []
    for method, _, body in channel.consume(queue, arguments={"x-stream-offset": offset}, inactivity_timeout=TIMEOUT):
        assert method is not None, f"got only {got}"
        got.append(body)
        channel.basic_ack(method.delivery_tag)
        if len(got) == len(expected):
            break
    channel.cancel()
    return got


def test_stream_readers_start_at_last_or_at_a_timestamp(channel):
    queue = name()
    channel.queue_declare(queue, durable=True, arguments={"x-queue-type": "stream"})
    try:
        channel.basic_qos(prefetch_count=10)
        for i in range(3):
            channel.basic_publish("", queue, f"m{i}".encode())
        assert read_stream(channel, queue, "last", [b"m2"]) == [b"m2"]
        long_ago = datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)
        assert read_stream(channel, queue, long_ago, [b"m0", b"m1", b"m2"]) == [b"m0", b"m1", b"m2"]
        # A timestamp after every message: the reader waits for new ones.
        later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
        got = []
        tag = channel.basic_consume(queue, lambda ch, m, p, body: (got.append(body), ch.basic_ack(m.delivery_tag)),
                                    arguments={"x-stream-offset": later})
        channel.basic_publish("", queue, b"m3")
        deadline = time.monotonic() + TIMEOUT
        while not got and time.monotonic() < deadline:
            channel.connection.process_data_events(time_limit=0.02)
        channel.basic_cancel(tag)
        assert got == [b"m3"]
    finally:
        channel.queue_delete(queue)


def test_deleting_what_does_not_exist_succeeds(channel):
    assert channel.queue_delete(name("missing")).method.message_count == 0
    channel.exchange_delete(name("missing"))
    assert channel.is_open
