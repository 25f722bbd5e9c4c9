"""Policies set through the management HTTP API: which one applies, how it meets queue
arguments (limits take the smaller value, the rest keep the argument), that it changes
queues that already exist, and the API's answers to bad policies. Same calls on both brokers."""
import time
import uuid

import pika
import pytest
from test_ttl_deadletter_pika import wait_until_gone

TIMEOUT = 10


@pytest.fixture
def policies(management):
    """Sets policies for one test and clears every one it set afterwards."""
    names = []

    def set_policy(pattern, definition, **options):
        name = f"pol-{uuid.uuid4().hex[:8]}"
        management.set_policy(name, pattern, definition, **options)
        names.append(name)
        return name

    yield set_policy
    for name in names:
        management.clear_policy(name)


def unique():
    return f"pq-{uuid.uuid4().hex[:8]}"


def fill(channel, queue, count, start=0):
    for i in range(start, start + count):
        channel.basic_publish("", queue, str(i).encode())


def count(channel, queue):
    return channel.queue_declare(queue, passive=True).method.message_count


def drain(channel, queue):
    bodies = []
    while True:
        method, _, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            return bodies
        bodies.append(body.decode())


def wait_for(condition, connection, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        connection.process_data_events(time_limit=0.02)
    return condition()


@pytest.mark.parametrize("own,given", [(5, 2), (2, 5)])
def test_max_length_is_the_smaller_of_argument_and_policy(channel, policies, own, given):
    queue = unique()
    policies(f"^{queue}$", {"max-length": given})
    channel.queue_declare(queue, exclusive=True, arguments={"x-max-length": own})
    fill(channel, queue, 8)
    assert count(channel, queue) == 2


def test_a_policy_trims_an_existing_queue_and_clearing_it_lifts_the_limit(connection, channel, policies, management):
    queue = unique()
    channel.queue_declare(queue, exclusive=True)
    fill(channel, queue, 6)
    name = policies(f"^{queue}$", {"max-length": 2})
    assert wait_for(lambda: count(channel, queue) == 2, connection)
    assert management.clear_policy(name) == 204
    fill(channel, queue, 3, start=6)
    assert drain(channel, queue) == ["4", "5", "6", "7", "8"]


def test_the_queue_argument_wins_for_overflow(channel, policies):
    queue = unique()
    policies(f"^{queue}$", {"max-length": 1, "overflow": "reject-publish"})
    channel.queue_declare(queue, exclusive=True, arguments={"x-overflow": "drop-head"})
    fill(channel, queue, 3)  # drop-head: every publish is confirmed, the newest stays
    assert drain(channel, queue) == ["2"]


def test_the_queue_argument_wins_for_the_dead_letter_exchange(connection, channel, policies):
    targets = {}
    for label in ("own", "policy"):
        exchange = f"dlx-{label}-{uuid.uuid4().hex[:6]}"
        channel.exchange_declare(exchange, "fanout", auto_delete=True)
        target = channel.queue_declare("", exclusive=True).method.queue
        channel.queue_bind(target, exchange)
        targets[label] = (exchange, target)
    queue = unique()
    policies(f"^{queue}$", {"dead-letter-exchange": targets["policy"][0]})
    channel.queue_declare(queue, exclusive=True, arguments={"x-dead-letter-exchange": targets["own"][0]})
    fill(channel, queue, 1)
    method, _, _ = channel.basic_get(queue)
    channel.basic_reject(method.delivery_tag, requeue=False)
    assert wait_for(lambda: count(channel, targets["own"][1]) == 1, connection)
    assert count(channel, targets["policy"][1]) == 0


def test_a_policy_ttl_shorter_than_the_argument_expires_messages(connection, channel, policies):
    queue = unique()
    policies(f"^{queue}$", {"message-ttl": 50})
    channel.queue_declare(queue, exclusive=True, arguments={"x-message-ttl": 600000})
    fill(channel, queue, 1)
    assert wait_for(lambda: count(channel, queue) == 0, connection)


def test_a_policy_ttl_applies_to_messages_enqueued_after_it(connection, channel, policies):
    exchange = f"dlx-{uuid.uuid4().hex[:6]}"
    channel.exchange_declare(exchange, "fanout", auto_delete=True)
    dead = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(dead, exchange)
    queue = unique()
    channel.queue_declare(queue, exclusive=True, arguments={"x-dead-letter-exchange": exchange})
    fill(channel, queue, 1)
    name = policies(f"^{queue}$", {"message-ttl": 20})
    fill(channel, queue, 1, start=1)
    # The first message was queued before the policy: it keeps no TTL and holds the head, so
    # the second (expired) leaves only once the first is taken.
    method, _, body = channel.basic_get(queue)
    assert body == b"0"
    channel.basic_ack(method.delivery_tag)
    assert wait_for(lambda: count(channel, dead) == 1, connection)
    method, properties, body = channel.basic_get(dead, auto_ack=True)
    assert body == b"1" and properties.headers["x-death"][0]["reason"] == "expired"
    assert count(channel, queue) == 0


def test_the_highest_priority_policy_applies(channel, policies):
    queue = unique()
    policies(f"^{queue}", {"max-length": 1}, priority=1)
    policies(f"^{queue[:5]}", {"max-length": 3}, priority=5)
    channel.queue_declare(queue, exclusive=True)
    fill(channel, queue, 5)
    assert count(channel, queue) == 3


def test_an_exchange_policy_does_not_touch_queues(channel, policies):
    queue = unique()
    policies(f"^{queue}$", {"max-length": 1}, apply_to="exchanges")
    channel.queue_declare(queue, exclusive=True)
    fill(channel, queue, 3)
    assert count(channel, queue) == 3


def test_a_policy_expiry_deletes_an_unused_queue(channel, policies):
    queue = unique()
    channel.queue_declare(queue)
    policies(f"^{queue}$", {"expires": 100})
    # Observed by mandatory publishes: a passive declare would count as using the queue.
    assert wait_until_gone(channel, queue) < TIMEOUT


def test_a_policy_delivery_limit_dead_letters_a_quorum_queues_message(connection, channel, policies):
    exchange = f"dlx-{uuid.uuid4().hex[:6]}"
    channel.exchange_declare(exchange, "fanout", auto_delete=True)
    dead = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(dead, exchange)
    queue = unique()
    policies(f"^{queue}$", {"delivery-limit": 1, "dead-letter-exchange": exchange})
    channel.queue_declare(queue, durable=True, arguments={"x-queue-type": "quorum"})
    try:
        fill(channel, queue, 1)
        deliveries = 0
        deadline = time.monotonic() + TIMEOUT
        while count(channel, dead) == 0 and time.monotonic() < deadline:
            method, _, _ = channel.basic_get(queue)
            if method is None:
                connection.process_data_events(time_limit=0.02)
                continue
            deliveries += 1
            channel.basic_nack(method.delivery_tag, requeue=True)
        assert deliveries == 2
        assert wait_for(lambda: count(channel, dead) == 1, connection)
    finally:
        channel.queue_delete(queue)


@pytest.mark.warren_only("the consumer-timeout policy key arrived in RabbitMQ 3.12; 3.10 refuses it")
def test_a_consumer_timeout_policy_closes_a_slow_channel(connection, policies):
    channel = connection.channel()
    queue = unique()
    policies(f"^{queue}$", {"consumer-timeout": 200})
    channel.queue_declare(queue)
    channel.basic_publish("", queue, b"slow")
    assert channel.basic_get(queue)[0] is not None
    reasons = []
    channel._impl.add_on_close_callback(lambda _, reason: reasons.append(reason))
    assert wait_for(lambda: bool(reasons), connection)
    assert reasons[0].reply_code == 406 and "Timeout value used: 200 ms" in reasons[0].reply_text
    connection.channel().queue_delete(queue)


def test_the_api_lists_a_policy_in_rabbitmqs_shape(management, policies):
    name = policies("^listed$", {"max-length": 7, "overflow": "reject-publish"}, priority=4)
    status, policy = management.call("GET", f"/policies/%2F/{name}")
    assert status == 200
    assert policy == {"vhost": "/", "name": name, "pattern": "^listed$", "apply-to": "queues", "priority": 4,
                      "definition": {"max-length": 7, "overflow": "reject-publish"}}
    status, listed = management.call("GET", "/policies/%2F")
    assert status == 200 and policy in listed
    assert management.call("GET", "/policies/%2F/no-such-policy")[0] == 404


@pytest.mark.parametrize("body,reason", [
    ({"pattern": "a", "definition": {"max-length": "x"}}, 'Validation failed\n\n&lt;&lt;"x"&gt;&gt; is not a valid maximum length\n'),
    ({"pattern": "a", "definition": {"foo": 1}}, 'Validation failed\n\n[{&lt;&lt;"foo"&gt;&gt;,1}] are not recognised policy settings\n'),
    ({"pattern": "a", "definition": {"overflow": "nope"}}, 'Validation failed\n\n&lt;&lt;"nope"&gt;&gt; is not a valid overflow value\n'),
    ({"pattern": "a", "definition": {"message-ttl": -1}}, "Validation failed\n\n-1 is not a valid message TTL\n"),
    ({"pattern": "a", "definition": {"expires": 0}}, "Validation failed\n\n0 is not a valid queue expiry\n"),
    ({"pattern": "a", "definition": {}}, "Validation failed\n\nno policy provided\n"),
    ({"definition": {"max-length": 1}}, "[{key_missing,pattern}]"),
])
def test_bad_policies_are_refused_with_rabbitmqs_reasons(management, body, reason):
    status, reply = management.call("PUT", "/policies/%2F/refused", body)
    assert (status, reply) == (400, {"error": "bad_request", "reason": reason})
    assert management.call("GET", "/policies/%2F/refused")[0] == 404


def test_a_policy_for_an_unknown_vhost_is_404(management):
    status, reply = management.call("PUT", "/policies/no-such-vhost/p", {"pattern": "a", "definition": {"max-length": 1}})
    assert (status, reply) == (404, {"error": "not_found", "reason": "vhost_not_found"})
