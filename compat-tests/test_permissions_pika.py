"""Permissions: a user with configure, write and read patterns is allowed or refused (403,
RabbitMQ's texts) on exactly the operations RabbitMQ checks; a user without permissions on the
vhost cannot open it (530). Users and permissions are set through the management API, the same
calls on both brokers."""
import uuid

import pika
import pytest

SUFFIX = uuid.uuid4().hex[:6]
USER = f"limited-{SUFFIX}"
PASSWORD = "limited-secret"


@pytest.fixture(scope="module")
def setup(management, amqp_port):
    q = management.quote
    assert management.call("PUT", f"/users/{q(USER)}", {"password": PASSWORD, "tags": ""})[0] in (201, 204)
    assert management.call("PUT", f"/permissions/%2F/{q(USER)}",
                           {"configure": "^cfg-", "write": "^wr-", "read": "^rd-"})[0] in (201, 204)
    # Resources the user works on, made by guest.
    admin = pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1", amqp_port))
    channel = admin.channel()
    names = {}
    for kind, prefix in [("queue", "wr-"), ("queue", "rd-"), ("queue", "no-"), ("queue", "cfg-del-"),
                         ("exchange", "wr-"), ("exchange", "rd-"), ("exchange", "no-"), ("exchange", "cfg-del-")]:
        name = f"{prefix}{kind}-{SUFFIX}"
        names[(kind, prefix)] = name
        if kind == "queue":
            channel.queue_declare(name)
        else:
            channel.exchange_declare(name, "fanout")
    yield names, channel
    for (kind, _), name in names.items():
        if kind == "queue":
            channel.queue_delete(name)
        else:
            channel.exchange_delete(name)
    admin.close()
    management.call("DELETE", f"/users/{q(USER)}")


def user_channel(amqp_port):
    connection = pika.BlockingConnection(pika.ConnectionParameters(
        "127.0.0.1", amqp_port, credentials=pika.PlainCredentials(USER, PASSWORD)))
    return connection, connection.channel()


def outcome(amqp_port, operation):
    """Runs `operation(channel)` as the limited user: "ok", or (code, text) of the channel close."""
    connection, channel = user_channel(amqp_port)
    try:
        operation(channel)
        channel.queue_declare(f"rd-queue-{SUFFIX}", passive=True)  # a round trip: earlier errors have arrived
        return "ok"
    except pika.exceptions.ChannelClosedByBroker as closed:
        return closed.reply_code, closed.reply_text
    finally:
        if connection.is_open:
            connection.close()


def refused(kind, name):
    return 403, f"ACCESS_REFUSED - access to {kind} '{name}' in vhost '/' refused for user '{USER}'"


def test_configure_decides_declare_and_delete(setup, amqp_port):
    names, _ = setup
    assert outcome(amqp_port, lambda c: c.exchange_declare(f"cfg-x-{SUFFIX}", "direct", auto_delete=True)) == "ok"
    assert outcome(amqp_port, lambda c: c.exchange_declare(f"other-x-{SUFFIX}", "direct")) == \
        refused("exchange", f"other-x-{SUFFIX}")
    assert outcome(amqp_port, lambda c: c.queue_declare(f"cfg-q-{SUFFIX}", auto_delete=True)) == "ok"
    assert outcome(amqp_port, lambda c: c.queue_declare(f"other-q-{SUFFIX}")) == refused("queue", f"other-q-{SUFFIX}")
    # A passive declare needs no permission.
    assert outcome(amqp_port, lambda c: c.queue_declare(names[("queue", "no-")], passive=True)) == "ok"
    assert outcome(amqp_port, lambda c: c.queue_delete(names[("queue", "cfg-del-")])) == "ok"
    assert outcome(amqp_port, lambda c: c.queue_delete(names[("queue", "no-")])) == refused("queue", names[("queue", "no-")])
    assert outcome(amqp_port, lambda c: c.exchange_delete(names[("exchange", "cfg-del-")])) == "ok"
    assert outcome(amqp_port, lambda c: c.exchange_delete(names[("exchange", "no-")])) == \
        refused("exchange", names[("exchange", "no-")])


def test_binding_needs_write_on_the_destination_and_read_on_the_source(setup, amqp_port):
    names, _ = setup
    wq, nq = names[("queue", "wr-")], names[("queue", "no-")]
    rx, nx, wx = names[("exchange", "rd-")], names[("exchange", "no-")], names[("exchange", "wr-")]
    assert outcome(amqp_port, lambda c: c.queue_bind(wq, rx)) == "ok"
    assert outcome(amqp_port, lambda c: c.queue_unbind(wq, rx)) == "ok"
    assert outcome(amqp_port, lambda c: c.queue_bind(nq, rx)) == refused("queue", nq)
    assert outcome(amqp_port, lambda c: c.queue_bind(wq, nx)) == refused("exchange", nx)
    assert outcome(amqp_port, lambda c: c.exchange_bind(wx, rx)) == "ok"
    assert outcome(amqp_port, lambda c: c.exchange_unbind(wx, rx)) == "ok"
    assert outcome(amqp_port, lambda c: c.exchange_bind(nx, rx)) == refused("exchange", nx)
    assert outcome(amqp_port, lambda c: c.exchange_bind(wx, nx)) == refused("exchange", nx)


def test_publish_needs_write_on_the_exchange(setup, amqp_port):
    names, _ = setup
    assert outcome(amqp_port, lambda c: c.basic_publish(names[("exchange", "wr-")], "", b"x")) == "ok"
    assert outcome(amqp_port, lambda c: c.basic_publish(names[("exchange", "no-")], "", b"x")) == \
        refused("exchange", names[("exchange", "no-")])
    assert outcome(amqp_port, lambda c: c.basic_publish("", "anything", b"x")) == refused("exchange", "amq.default")


def test_a_refused_publish_after_allowed_ones_on_the_same_channel_is_still_refused(setup, amqp_port):
    names, _ = setup

    def allowed_then_refused(channel):
        for _ in range(3):
            channel.basic_publish(names[("exchange", "wr-")], "k", b"x")
        channel.basic_publish(names[("exchange", "no-")], "k", b"x")

    assert outcome(amqp_port, allowed_then_refused) == refused("exchange", names[("exchange", "no-")])


def test_get_consume_and_purge_need_read_on_the_queue(setup, amqp_port):
    names, _ = setup
    rq, nq = names[("queue", "rd-")], names[("queue", "no-")]
    assert outcome(amqp_port, lambda c: c.basic_get(rq)) == "ok"
    assert outcome(amqp_port, lambda c: c.basic_get(nq)) == refused("queue", nq)
    assert outcome(amqp_port, lambda c: c.basic_consume(rq, lambda *_: None)) == "ok"
    assert outcome(amqp_port, lambda c: c.basic_consume(nq, lambda *_: None)) == refused("queue", nq)
    assert outcome(amqp_port, lambda c: c.queue_purge(rq)) == "ok"
    assert outcome(amqp_port, lambda c: c.queue_purge(nq)) == refused("queue", nq)


def test_a_user_without_permissions_on_the_vhost_cannot_open_it(management, amqp_port):
    name = f"nowhere-{SUFFIX}"
    management.add_user(name, permissions=None)
    try:
        with pytest.raises(pika.exceptions.ProbableAccessDeniedError) as refused_open:
            pika.BlockingConnection(pika.ConnectionParameters(
                "127.0.0.1", amqp_port, credentials=pika.PlainCredentials(name, "pw"), connection_attempts=1))
        assert f"access to vhost '/' refused for user '{name}'" in str(refused_open.value)
    finally:
        management.call("DELETE", f"/users/{name}")


def test_a_user_imported_with_a_rabbitmq_password_hash_logs_in(management, amqp_port):
    """`rabbitmqctl add_user bob 's3cret-Pässword'`, as RabbitMQ 3.10 exported it."""
    name = f"imported-{SUFFIX}"
    body = {"password_hash": "qIIrYKOyqd23IpEB9H4Sil8AqAACrx96fJathbR3OgYdSTGo",
            "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": "management"}
    assert management.call("PUT", f"/users/{name}", body)[0] == 201
    assert management.call("PUT", f"/permissions/%2F/{name}", {"configure": ".*", "write": ".*", "read": ".*"})[0] == 201
    try:
        connection = pika.BlockingConnection(pika.ConnectionParameters(
            "127.0.0.1", amqp_port, credentials=pika.PlainCredentials(name, "s3cret-Pässword")))
        connection.close()
        status, user = management.call("GET", f"/users/{name}")
        assert status == 200 and user["password_hash"] == body["password_hash"] and user["tags"] == ["management"]
    finally:
        management.call("DELETE", f"/users/{name}")


def test_topic_permissions_decide_routing_keys_on_the_exchange(management, amqp_port):
    """write on amq.topic: keys starting with the user's name ({username}); read: binding keys
    starting with `allowed.`; another topic exchange without a topic permission: any key."""
    name = f"topics-{SUFFIX}"
    q = management.quote
    management.add_user(name)
    assert management.call("PUT", f"/topic-permissions/%2F/{q(name)}",
                           {"exchange": "amq.topic", "write": "^{username}\\.", "read": "^allowed\\."})[0] == 201
    status, listed = management.call("GET", f"/topic-permissions/%2F/{q(name)}")
    assert status == 200 and listed == [{"user": name, "vhost": "/", "exchange": "amq.topic",
                                         "write": "^{username}\\.", "read": "^allowed\\."}]

    def run(operation):
        connection = pika.BlockingConnection(pika.ConnectionParameters(
            "127.0.0.1", amqp_port, credentials=pika.PlainCredentials(name, "pw")))
        channel = connection.channel()
        queue = channel.queue_declare("", exclusive=True).method.queue
        try:
            operation(channel, queue)
            channel.queue_declare(queue, passive=True)
            return "ok"
        except pika.exceptions.ChannelClosedByBroker as closed:
            return closed.reply_code, closed.reply_text
        finally:
            if connection.is_open:
                connection.close()

    def refusal(access, key, exchange="amq.topic"):
        # RabbitMQ's text does not say which access was refused.
        return 403, (f"ACCESS_REFUSED - access to topic '{key}' in exchange '{exchange}' in vhost '/' "
                     f"refused for user '{name}'")
    try:
        assert run(lambda c, _: c.basic_publish("amq.topic", f"{name}.orders", b"x")) == "ok"
        assert run(lambda c, _: c.basic_publish("amq.topic", "someone-else.orders", b"x")) == \
            refusal("write", "someone-else.orders")
        assert run(lambda c, q: c.queue_bind(q, "amq.topic", "allowed.#")) == "ok"
        assert run(lambda c, q: c.queue_bind(q, "amq.topic", "secret.#")) == refusal("read", "secret.#")
        other = f"other-topic-{SUFFIX}"
        run(lambda c, _: c.exchange_declare(other, "topic", auto_delete=False))
        assert run(lambda c, _: c.basic_publish(other, "anything.at.all", b"x")) == "ok"
        run(lambda c, _: c.exchange_delete(other))
        assert management.call("DELETE", f"/topic-permissions/%2F/{q(name)}")[0] == 204
        assert run(lambda c, _: c.basic_publish("amq.topic", "someone-else.orders", b"x")) == "ok"
    finally:
        management.call("DELETE", f"/users/{q(name)}")
