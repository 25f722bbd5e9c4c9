"""pyrabbit2 (PyPI) against the management API: liveness, topology, publish and get,
connections (and closing one)."""
import os
import time

import pika
import pytest

from conftest import eventually
from pyrabbit2.api import Client


@pytest.fixture
def client():
    return Client(f"127.0.0.1:{os.environ.get('MANAGEMENT_PORT', '15672')}", "guest", "guest")


def test_alive_overview_and_topology(client):
    assert client.is_alive()
    assert client.get_overview()["rabbitmq_version"].startswith("3.")
    assert "/" in client.get_vhost_names()
    client.create_exchange("/", "py.x", "fanout", durable=True)
    client.create_queue("/", "py.q", durable=True)
    client.create_binding("/", "py.x", "py.q", "")
    assert client.get_exchange("/", "py.x")["type"] == "fanout"
    assert client.get_queue("/", "py.q")["name"] == "py.q"
    assert any(b["source"] == "py.x" for b in client.get_queue_bindings("/", "py.q"))
    assert client.publish("/", "py.x", "", "via pyrabbit2") is True
    messages = client.get_messages("/", "py.q", count=1, requeue=False)
    assert [m["payload"] for m in messages] == ["via pyrabbit2"]
    client.delete_queue("/", "py.q")
    client.delete_exchange("/", "py.x")
    with pytest.raises(Exception):
        client.get_queue("/", "py.q")


def test_a_connection_closed_through_the_api_gets_connection_forced(client, amqp_url):
    parameters = pika.URLParameters(amqp_url)
    parameters.client_properties = {"connection_name": "to-be-closed"}
    connection = pika.BlockingConnection(parameters)
    try:
        def named():
            connection.process_data_events(0)
            return [c for c in (client.get_connections() or []) if c.get("user_provided_name") == "to-be-closed"]
        found = eventually(named)
        assert found, client.get_connections()
        client.delete_connection(found[0]["name"])
        with pytest.raises(pika.exceptions.ConnectionClosedByBroker) as closed:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                connection.process_data_events(0.2)
        assert closed.value.reply_code == 320
        assert closed.value.reply_text.startswith("CONNECTION_FORCED")
    finally:
        if connection.is_open:
            connection.close()
