"""Limits set through the management API: a vhost's max-connections and max-queues, and a
user's max-connections, refused with RabbitMQ's codes and texts; bad limits get its reasons."""
import uuid

import pika
import pytest

SUFFIX = uuid.uuid4().hex[:6]


def connect(amqp_port, user="guest", password="guest"):
    return pika.BlockingConnection(pika.ConnectionParameters(
        "127.0.0.1", amqp_port, credentials=pika.PlainCredentials(user, password), connection_attempts=1))


@pytest.fixture
def limits(management):
    """Sets limits for one test and clears them afterwards."""
    set_ = []

    def put(kind, owner, name, value):
        status, reply = management.call("PUT", f"/{kind}-limits/{management.quote(owner)}/{name}", {"value": value})
        assert status == 204, reply
        set_.append((kind, owner, name))
    yield put
    for kind, owner, name in set_:
        management.call("DELETE", f"/{kind}-limits/{management.quote(owner)}/{name}")


def test_a_vhost_connection_limit_refuses_the_next_connection_530(amqp_port, limits, management):
    limits("vhost", "/", "max-connections", 0)
    status, listed = management.call("GET", "/vhost-limits")
    assert status == 200 and {"vhost": "/", "value": {"max-connections": 0}} in listed
    with pytest.raises(pika.exceptions.ProbableAccessDeniedError) as refused:
        connect(amqp_port)
    assert "NOT_ALLOWED - access to vhost '/' refused for user 'guest': connection limit (0) is reached" in str(refused.value)


def test_a_user_connection_limit_counts_that_users_connections(amqp_port, limits, management):
    user = f"capped-{SUFFIX}"
    management.add_user(user)
    try:
        limits("user", user, "max-connections", 1)
        first = connect(amqp_port, user, "pw")
        with pytest.raises(pika.exceptions.ProbableAccessDeniedError) as refused:
            connect(amqp_port, user, "pw")
        assert f"NOT_ALLOWED - connection refused for user '{user}': user connection limit (1) is reached" in str(refused.value)
        other = connect(amqp_port)  # other users are not counted
        other.close()
        first.close()
        connect(amqp_port, user, "pw").close()  # the slot is free again once the first has gone
    finally:
        management.call("DELETE", f"/users/{user}")


def test_a_vhost_queue_limit_refuses_new_queues_406(amqp_port, limits):
    connection = connect(amqp_port)
    channel = connection.channel()
    existing = f"limited-{SUFFIX}"
    channel.queue_declare(existing)
    try:
        limits("vhost", "/", "max-queues", 0)
        channel.queue_declare(existing)  # redeclaring an existing queue is no new queue
        with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
            channel.queue_declare(f"one-too-many-{SUFFIX}")
        assert (refused.value.reply_code, refused.value.reply_text) == (
            406, f"PRECONDITION_FAILED - cannot declare queue 'one-too-many-{SUFFIX}': queue limit in vhost '/' (0) is reached")
    finally:
        connection.channel().queue_delete(existing)
        connection.close()


@pytest.mark.parametrize("name,value,reason", [
    ("max-foo", 1, 'Validation failed\n\nUnrecognised terms [{<<"max-foo">>,1}] in limits\n'),
    ("max-queues", "x", 'Validation failed\n\nmax-queues should be a number, actually was <<"x">>\n'),
])
def test_bad_limits_are_refused_with_rabbitmqs_reasons(management, name, value, reason):
    status, reply = management.call("PUT", f"/vhost-limits/%2F/{name}", {"value": value})
    assert (status, reply) == (400, {"error": "bad_request", "reason": reason})


def test_a_user_channel_limit_closes_the_connection_530(amqp_port, limits, management):
    user = f"few-channels-{SUFFIX}"
    management.add_user(user)
    try:
        limits("user", user, "max-channels", 2)
        connection = connect(amqp_port, user, "pw")
        connection.channel()
        connection.channel()
        # (RabbitMQ frees a closed channel's slot asynchronously, so reuse is not asserted here.)
        with pytest.raises(pika.exceptions.ConnectionClosedByBroker) as refused:
            connection.channel()
        assert (refused.value.reply_code, refused.value.reply_text) == (
            530, f"NOT_ALLOWED - number of channels opened for user '{user}' has reached the maximum allowed user "
                 "limit of (2)")
    finally:
        management.call("DELETE", f"/users/{user}")
