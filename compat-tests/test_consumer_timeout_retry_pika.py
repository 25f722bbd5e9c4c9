"""Consumer timeout (x-consumer-timeout) and delayed requeue (x-requeue-delay)."""
import time
import uuid

import pika
import pytest

TIMEOUT = 10


def name():
    return f"ct-{uuid.uuid4().hex[:8]}"


@pytest.mark.warren_only("per-queue x-consumer-timeout arrived in RabbitMQ 3.12; 3.10 has only the global setting")
def test_an_unacknowledged_delivery_past_the_timeout_closes_the_channel_406(connection):
    channel = connection.channel()
    queue = name()
    channel.queue_declare(queue, arguments={"x-consumer-timeout": 300})
    channel.basic_publish("", queue, b"slow")
    method, _, _ = channel.basic_get(queue)
    assert method is not None
    reasons = []
    channel._impl.add_on_close_callback(lambda _, reason: reasons.append(reason))
    deadline = time.monotonic() + TIMEOUT
    while not reasons and time.monotonic() < deadline:
        connection.process_data_events(time_limit=0.05)
    (closed,) = reasons
    assert closed.reply_code == 406
    assert closed.reply_text == ("PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. "
                                       "Timeout value used: 300 ms. This timeout value can be configured, see "
                                       "consumers doc guide to learn more")
    # The message went back to the queue with the channel.
    other = connection.channel()
    method, _, body = other.basic_get(queue, auto_ack=True)
    assert body == b"slow" and method.redelivered
    other.queue_delete(queue)


@pytest.mark.warren_only("x-consumer-timeout-requeue is Warren's: the delivery returns, the channel stays open")
def test_timeout_can_requeue_and_keep_the_channel(connection):
    channel = connection.channel()
    queue = name()
    channel.queue_declare(queue, exclusive=True, arguments={"x-consumer-timeout": 200, "x-consumer-timeout-requeue": True})
    channel.basic_publish("", queue, b"slow")
    assert channel.basic_get(queue)[0] is not None
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        method, _, body = channel.basic_get(queue, auto_ack=True)
        if method is not None:
            break
        connection.process_data_events(time_limit=0.05)
    assert body == b"slow" and method.redelivered and channel.is_open


@pytest.mark.warren_only("x-requeue-delay is Warren's: retries without TTL queues")
@pytest.mark.parametrize("settle", ["nack", "reject"])
def test_requeue_delay_holds_a_requeued_message_back(connection, settle):
    channel = connection.channel()
    queue = name()
    channel.queue_declare(queue, exclusive=True, arguments={"x-requeue-delay": 300})
    channel.basic_publish("", queue, b"retry-me")
    channel.basic_publish("", queue, b"next")
    method, _, _ = channel.basic_get(queue)
    if settle == "nack":
        channel.basic_nack(method.delivery_tag, requeue=True)
    else:
        channel.basic_reject(method.delivery_tag, requeue=True)
    start = time.monotonic()
    # The other message is served at once; the requeued one only after the delay.
    assert channel.basic_get(queue, auto_ack=True)[2] == b"next"
    assert channel.basic_get(queue, auto_ack=True)[0] is None
    while time.monotonic() - start < TIMEOUT:
        method, _, body = channel.basic_get(queue, auto_ack=True)
        if method is not None:
            break
        connection.process_data_events(time_limit=0.02)
    assert body == b"retry-me" and method.redelivered
    assert time.monotonic() - start >= 0.25
