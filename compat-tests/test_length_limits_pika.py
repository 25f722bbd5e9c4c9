"""Length limits: x-max-length and x-max-length-bytes with x-overflow drop-head,
reject-publish and reject-publish-dlx; unacknowledged messages do not count."""
import time
import uuid

import pika
import pytest

TIMEOUT = 10


@pytest.fixture
def channel(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    yield channel
    if connection.is_open:
        connection.close()


def queue(channel, **arguments):
    name = f"len-{uuid.uuid4().hex[:8]}"
    channel.queue_declare(name, exclusive=True, arguments=arguments)
    return name


def publish(channel, name, body=b"x"):
    try:
        channel.basic_publish("", name, body)
        return "ack"
    except pika.exceptions.NackError:
        return "nack"


def count(channel, name):
    return channel.queue_declare(name, passive=True).method.message_count


def test_drop_head_keeps_the_newest(channel):
    name = queue(channel, **{"x-max-length": 2})
    for i in range(4):
        channel.basic_publish("", name, f"{i}".encode())
    assert [channel.basic_get(name, auto_ack=True)[2] for _ in range(3)] == [b"2", b"3", None]


def test_reject_publish_nacks_past_the_limit(channel):
    name = queue(channel, **{"x-max-length": 2, "x-overflow": "reject-publish"})
    assert [publish(channel, name) for _ in range(3)] == ["ack", "ack", "nack"]
    assert count(channel, name) == 2


@pytest.mark.parametrize("body,outcomes,kept", [(b"12345", ["ack", "ack", "nack"], 2),
                                                 (b"123456", ["ack", "nack", "nack"], 1)])
def test_byte_limit_counts_bodies(channel, body, outcomes, kept):
    name = queue(channel, **{"x-max-length-bytes": 10, "x-overflow": "reject-publish"})
    assert [publish(channel, name, body) for _ in range(3)] == outcomes
    assert count(channel, name) == kept


def test_unacknowledged_messages_do_not_count(channel):
    name = queue(channel, **{"x-max-length": 1})
    channel.basic_publish("", name, b"a")
    method, _, _ = channel.basic_get(name)
    assert method is not None
    channel.basic_publish("", name, b"b")
    channel.basic_publish("", name, b"c")
    assert count(channel, name) == 1
    assert channel.basic_get(name, auto_ack=True)[2] == b"c"


def test_max_length_zero_accepts_and_drops(channel):
    name = queue(channel, **{"x-max-length": 0})
    assert publish(channel, name) == "ack"
    assert count(channel, name) == 0


@pytest.mark.parametrize("overflow", ["drop-head", "reject-publish-dlx"])
def test_overflow_dead_letters_with_reason_maxlen(channel, overflow):
    dlx = f"dlx-{uuid.uuid4().hex[:8]}"
    channel.exchange_declare(dlx, "fanout", auto_delete=True)
    dead = queue(channel)
    channel.queue_bind(dead, dlx)
    name = queue(channel, **{"x-max-length": 1, "x-overflow": overflow, "x-dead-letter-exchange": dlx})
    outcomes = [publish(channel, name, b"first"), publish(channel, name, b"second")]
    expected_dead = b"first" if overflow == "drop-head" else b"second"
    assert outcomes == (["ack", "ack"] if overflow == "drop-head" else ["ack", "nack"])
    deadline = time.monotonic() + TIMEOUT
    while True:
        method, properties, body = channel.basic_get(dead, auto_ack=True)
        if method or time.monotonic() > deadline:
            break
        channel.connection.process_data_events(time_limit=0.02)
    assert body == expected_dead
    assert properties.headers["x-death"][0]["reason"] == "maxlen"
