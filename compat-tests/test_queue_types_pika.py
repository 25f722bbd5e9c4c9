"""Queue types: classic, quorum and stream declarations, stream reads, and argument checks."""
import uuid

import pika
import pytest

TIMEOUT = 10


@pytest.fixture
def channel(connection):
    return connection.channel()


def name():
    return f"qt-{uuid.uuid4().hex[:8]}"


def refused(call, expected_code):
    with pytest.raises((pika.exceptions.ChannelClosedByBroker, pika.exceptions.ConnectionClosedByBroker)) as closed:
        call()
    assert closed.value.reply_code == expected_code
    return closed.value.reply_text


STREAM = {"x-queue-type": "stream"}


@pytest.mark.parametrize("queue_type", ["stream", "quorum"])
@pytest.mark.parametrize("properties,word", [
    ({"durable": False}, "non-durable"),
    ({"durable": True, "exclusive": True}, "exclusive-owner"),
    ({"durable": True, "auto_delete": True}, "auto-delete"),
])
def test_replicated_types_refuse_transient_properties(channel, queue_type, properties, word):
    queue = name()
    text = refused(lambda: channel.queue_declare(queue, arguments={"x-queue-type": queue_type}, **properties), 406)
    assert text == f"PRECONDITION_FAILED - invalid property '{word}' for queue '{queue}' in vhost '/'"


def test_unknown_queue_type_is_406(channel):
    queue = name()
    text = refused(lambda: channel.queue_declare(queue, durable=True, arguments={"x-queue-type": "weird"}), 406)
    assert text == f"PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue '{queue}' in vhost '/': \"unsupported queue type 'weird'\""


@pytest.mark.parametrize("arguments,reason", [
    ({"x-max-age": "7X"}, "invalid_max_age"),
    ({"x-max-age": 5}, "{unacceptable_type,signedint}"),
    ({"x-max-length-bytes": -1}, "{value_negative,-1}"),
    ({"x-max-length-bytes": "5"}, '"expected integer, got longstr"'),
])
def test_invalid_stream_arguments_are_406(channel, arguments, reason):
    queue = name()
    key = next(iter(arguments))
    text = refused(lambda: channel.queue_declare(queue, durable=True, arguments={**STREAM, **arguments}), 406)
    assert text == f"PRECONDITION_FAILED - invalid arg '{key}' for queue '{queue}' in vhost '/': {reason}"


def test_classic_type_named_or_not_is_the_same_queue(channel):
    queue = name()
    channel.queue_declare(queue, durable=True, arguments={"x-queue-type": "classic"})
    channel.queue_declare(queue, durable=True)
    text = refused(lambda: channel.queue_declare(queue, durable=True, arguments={"x-queue-type": "quorum"}), 406)
    assert text.endswith("received 'quorum' but current is 'classic'")


def test_inequivalent_arguments_name_both_values(channel):
    queue = name()
    channel.queue_declare(queue, durable=True, arguments={"x-max-length": 10})
    text = refused(lambda: channel.queue_declare(queue, durable=True, arguments={"x-max-length": 20}), 406)
    assert text == f"PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue '{queue}' in vhost '/': received '20' but current is '10'"


def test_quorum_queue_is_a_work_queue(channel):
    queue = name()
    channel.queue_declare(queue, durable=True, arguments={"x-queue-type": "quorum"})
    channel.confirm_delivery()
    for i in range(3):
        channel.basic_publish("", queue, f"{i}".encode())
    bodies = [channel.basic_get(queue, auto_ack=True)[2] for _ in range(3)]
    assert bodies == [b"0", b"1", b"2"]
    assert channel.basic_get(queue, auto_ack=True)[0] is None


def read_stream(channel, queue, offset, count):
    got = []
    for method, _, body in channel.consume(queue, arguments={"x-stream-offset": offset}, inactivity_timeout=TIMEOUT):
        assert method is not None, f"only {len(got)} of {count} arrived"
        got.append(body)
        channel.basic_ack(method.delivery_tag)
        if len(got) == count:
            break
    channel.cancel()
    return got


def test_stream_reads_are_non_destructive_from_any_offset(channel):
    queue = name()
    channel.queue_declare(queue, durable=True, arguments={**STREAM, "x-max-age": "7D", "x-max-length-bytes": 10_000_000})
    channel.confirm_delivery()
    for i in range(5):
        channel.basic_publish("", queue, f"m{i}".encode())
    channel.basic_qos(prefetch_count=10)
    assert read_stream(channel, queue, "first", 5) == [b"m0", b"m1", b"m2", b"m3", b"m4"]
    assert read_stream(channel, queue, "first", 5) == [b"m0", b"m1", b"m2", b"m3", b"m4"]
    assert read_stream(channel, queue, 3, 2) == [b"m3", b"m4"]
    assert channel.queue_declare(queue, passive=True).method.message_count == 0


def test_stream_refuses_get_purge_no_ack_and_consumers_without_prefetch(connection):
    channel = connection.channel()
    queue = name()
    channel.queue_declare(queue, durable=True, arguments=STREAM)
    where = f"queue '{queue}' in vhost '/'"
    text = refused(lambda: channel.basic_consume(queue, lambda *args: None), 406)
    assert text == f"PRECONDITION_FAILED - consumer prefetch count is not set for '{where}'"
    for call, what in [
        (lambda ch: ch.basic_get(queue), "basic.get"),
        (lambda ch: ch.queue_purge(queue), "queue.purge"),
    ]:
        with pika.BlockingConnection(connection._impl.params) as other:
            ch = other.channel()
            text = refused(lambda: call(ch), 540)
            assert text == f"NOT_IMPLEMENTED - {what} not supported by stream queues {where}"
    with pika.BlockingConnection(connection._impl.params) as other:
        ch = other.channel()
        ch.basic_qos(prefetch_count=10)
        text = refused(lambda: ch.basic_consume(queue, lambda *args: None, auto_ack=True), 540)
        assert text == f"NOT_IMPLEMENTED - automatic acknowledgement not supported by stream queues {where}"
