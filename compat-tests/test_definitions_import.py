"""A definitions file exported from RabbitMQ 3.10 (compat-tests/fixtures/, made with
`curl -u guest:guest http://127.0.0.1:15672/api/definitions` on Debian's rabbitmq-server
3.10.8) imports into the broker, and a pika client logs in with the exported user's old
password and finds the topology: queues, exchanges, an exchange-to-exchange binding, a
policy, a vhost limit and a topic permission."""
import json
import pathlib

import pika
import pytest

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "rabbitmq-3.10-definitions.json"


@pytest.fixture
def imported(management, amqp_port):
    definitions = json.loads(FIXTURE.read_text())
    status, reply = management.call("POST", "/definitions", definitions)
    assert status == 204, (status, reply)
    yield pika.URLParameters(f"amqp://migrated:old-secret@127.0.0.1:{amqp_port}/legacy")
    management.call("DELETE", "/vhosts/legacy")
    management.call("DELETE", "/users/migrated")
    # Importing the file's "/" (with no description) cleared RabbitMQ's; put it back.
    management.call("PUT", "/vhosts/%2F", {"description": "Default virtual host"})


def test_the_exported_user_logs_in_with_the_old_password_and_finds_the_topology(imported, management):
    connection = pika.BlockingConnection(imported)
    try:
        channel = connection.channel()
        for queue in ("orders", "bounded.jobs", "audit-log"):
            channel.queue_declare(queue, durable=True, passive=True)
        for exchange in ("events", "audit"):
            channel.exchange_declare(exchange, passive=True)
        channel.confirm_delivery()
        channel.basic_publish("events", "order.1", b"first order")
        # events -> orders (order.#), events -> audit (exchange binding, #) -> audit-log.
        for queue, body in (("orders", b"first order"), ("audit-log", b"first order")):
            method, _, got = channel.basic_get(queue, auto_ack=True)
            assert method is not None and got == body, (queue, got)
    finally:
        connection.close()
    status, policy = management.call("GET", "/policies/legacy/bounded")
    assert status == 200 and policy["definition"] == {"max-length": 100, "overflow": "reject-publish"}
    status, limits = management.call("GET", "/vhost-limits/legacy")
    assert status == 200 and limits[0]["value"] == {"max-queues": 50}


def test_the_wrong_password_is_refused(imported):
    imported.credentials = pika.PlainCredentials("migrated", "not-the-old-one")
    with pytest.raises(pika.exceptions.ProbableAuthenticationError):
        pika.BlockingConnection(imported)


def test_the_imported_topic_permission_holds(imported):
    connection = pika.BlockingConnection(imported)
    try:
        channel = connection.channel()
        channel.basic_publish("events", "order.2", b"allowed")
        with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
            channel.basic_publish("events", "job.2", b"not allowed")
            channel.queue_declare("orders", durable=True, passive=True)
        assert refused.value.reply_code == 403
    finally:
        if connection.is_open:
            connection.close()
