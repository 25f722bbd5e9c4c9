"""rabbitmqadmin (from Debian's rabbitmq-server package) lists and declares against the broker.

The management API's statistics are eventually consistent in RabbitMQ (its stats database
samples every few seconds), so counts are waited for with a bounded poll, never a sleep."""
import json
import os
import shutil
import subprocess

import pika
import pytest

from conftest import eventually

RABBITMQADMIN = shutil.which("rabbitmqadmin") or "/usr/bin/rabbitmqadmin"
pytestmark = pytest.mark.skipif(not os.path.exists(RABBITMQADMIN), reason="rabbitmqadmin is not installed")


def admin(*arguments, check=True):
    port = os.environ.get("MANAGEMENT_PORT", "15672")
    result = subprocess.run([RABBITMQADMIN, "-H", "127.0.0.1", "-P", port, "-u", "guest", "-p", "guest", *arguments],
                            capture_output=True, text=True, timeout=30)
    if check:
        assert result.returncode == 0, (arguments, result.stdout, result.stderr)
    return result


def listed(kind, *columns):
    """`rabbitmqadmin -f raw_json list KIND` as a list of dicts."""
    return json.loads(admin("-f", "raw_json", "list", kind, *columns).stdout or "[]")


def test_declare_publish_list_get_and_delete():
    admin("declare", "exchange", "name=ra.x", "type=topic", "durable=true")
    admin("declare", "queue", "name=ra.q", "durable=true")
    admin("declare", "binding", "source=ra.x", "destination=ra.q", "routing_key=orders.#")
    assert "Message published" in admin("publish", "exchange=ra.x", "routing_key=orders.new", "payload=hello").stdout
    exchanges = {e["name"]: e for e in listed("exchanges")}
    assert exchanges["ra.x"]["type"] == "topic" and exchanges["ra.x"]["durable"] is True
    assert "amq.topic" in exchanges and "" in exchanges
    bindings = [(b["source"], b["destination"], b["routing_key"]) for b in listed("bindings")]
    assert ("ra.x", "ra.q", "orders.#") in bindings and ("", "ra.q", "ra.q") in bindings
    queue = eventually(lambda: next((q for q in listed("queues", "name", "messages") if q["name"] == "ra.q"
                                     and q.get("messages") == 1), None))
    assert queue, listed("queues", "name", "messages")
    got = json.loads(admin("-f", "raw_json", "get", "queue=ra.q", "ackmode=ack_requeue_false").stdout)
    assert [(m["payload"], m["routing_key"], m["exchange"]) for m in got] == [("hello", "orders.new", "ra.x")]
    admin("delete", "binding", "source=ra.x", "destination=ra.q", "destination_type=queue", "properties_key=orders.#")
    assert ("ra.x", "ra.q", "orders.#") not in [(b["source"], b["destination"], b["routing_key"]) for b in listed("bindings")]
    admin("delete", "queue", "name=ra.q")
    admin("delete", "exchange", "name=ra.x")
    assert eventually(lambda: "ra.q" not in [q["name"] for q in listed("queues", "name")])


def test_overview_nodes_users_and_vhosts_are_listed():
    overview = json.loads(admin("-f", "raw_json", "show", "overview").stdout)[0]
    assert overview["rabbitmq_version"].startswith("3.") and "queue_totals" in overview and "object_totals" in overview
    nodes = listed("nodes")
    assert len(nodes) == 1 and nodes[0]["running"] is True and nodes[0]["mem_used"] > 0
    assert "guest" in [u["name"] for u in listed("users")]
    assert "/" in [v["name"] for v in listed("vhosts")]
    assert any(p["user"] == "guest" and p["vhost"] == "/" for p in listed("permissions"))


def test_connections_channels_and_consumers_are_listed(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.basic_qos(prefetch_count=3)
        channel.queue_declare("ra.consumed", auto_delete=True)
        channel.basic_consume("ra.consumed", lambda *args: None, consumer_tag="ra-tag")

        def consumer():
            connection.process_data_events(0)
            return next((c for c in listed("consumers") if c["consumer_tag"] == "ra-tag"), None)
        found = eventually(consumer)
        assert found and found["queue"]["name"] == "ra.consumed" and found["prefetch_count"] == 3
        assert found["ack_required"] is True

        def ours():
            connection.process_data_events(0)
            return [c for c in listed("connections") if c["client_properties"].get("product", "").startswith("Pika")]
        connections = eventually(ours)
        assert connections and connections[0]["user"] == "guest" and connections[0]["vhost"] == "/"
        channels = eventually(lambda: [c for c in listed("channels")
                                       if c["connection_details"]["name"] == connections[0]["name"]])
        assert channels and channels[0]["number"] == 1
    finally:
        connection.close()
