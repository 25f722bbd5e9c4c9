"""`warren ctl` and `warren definitions` against the broker's management API: tables for
people, --json for scripts, a non-zero exit naming the problem."""
import json
import os
import subprocess

import pika
import pytest

pytestmark = pytest.mark.warren_only("Warren's own command-line tool")


def ctl(*arguments, command="ctl", check=True):
    url = f"http://127.0.0.1:{os.environ.get('MANAGEMENT_PORT', '15672')}"
    result = subprocess.run([os.environ["WARREN_BIN"], command, *arguments, "--url", url],
                            capture_output=True, text=True, timeout=60)
    if check:
        assert result.returncode == 0, (arguments, result.stdout, result.stderr)
    return result


def test_lists_as_tables_and_json(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.queue_declare("ctl.q", durable=True)
        channel.exchange_declare("ctl.x", "topic", durable=True)
        channel.queue_bind("ctl.q", "ctl.x", "k.#")
        channel.basic_publish("", "ctl.q", b"one")
        header = ctl("list", "queues").stdout.splitlines()[0].split()
        assert header == ["name", "type", "durable", "messages_ready", "messages_unacknowledged", "consumers"]
        queues = {q["name"]: q for q in json.loads(ctl("list", "queues", "--json").stdout)}
        assert queues["ctl.q"]["messages_ready"] == 1
        assert any(b["source"] == "ctl.x" and b["routing_key"] == "k.#" for b in json.loads(ctl("list", "bindings", "--json").stdout))
        assert "ctl.x" in ctl("list", "exchanges").stdout
        groups = json.loads(ctl("list", "groups", "--json").stdout)
        assert any(g["queue"] == "ctl.q" and g["group"] == "default" and g["lag"] == 1 for g in groups)
        assert any(c["user"] == "guest" for c in json.loads(ctl("list", "connections", "--json").stdout))
        ctl("purge", "ctl.q")
        assert {q["name"]: q for q in json.loads(ctl("list", "queues", "--json").stdout)}["ctl.q"]["messages_ready"] == 0
        ctl("delete", "queue", "ctl.q")
        ctl("delete", "exchange", "ctl.x")
        assert "ctl.q" not in ctl("list", "queues").stdout
    finally:
        connection.close()


def test_policies_users_permissions_and_refusals(amqp_port):
    ctl("set-policy", "ctl-limit", "^ctl-limited$", '{"max-length": 1}', "--apply-to", "queues")
    assert any(p["name"] == "ctl-limit" for p in json.loads(ctl("list", "policies", "--json").stdout))
    ctl("clear-policy", "ctl-limit")
    ctl("add-user", "ctl-user", "ctl-password", "--tags", "management")
    ctl("set-permissions", "ctl-user", ".*", ".*", ".*")
    pika.BlockingConnection(pika.URLParameters(f"amqp://ctl-user:ctl-password@127.0.0.1:{amqp_port}/%2f")).close()
    missing = ctl("delete", "queue", "no-such-queue", check=False)
    assert missing.returncode != 0 and "404" in missing.stderr
    bad = ctl("set-policy", "p", ".*", "not json", check=False)
    assert bad.returncode != 0 and "JSON object" in bad.stderr
    unreachable = subprocess.run([os.environ["WARREN_BIN"], "ctl", "list", "queues", "--url", "http://127.0.0.1:1"],
                                 capture_output=True, text=True, timeout=60)
    assert unreachable.returncode != 0 and "cannot reach the management API" in unreachable.stderr


def test_a_connection_closed_with_ctl_hears_the_reason(amqp_url):
    parameters = pika.URLParameters(amqp_url)
    parameters.client_properties = {"connection_name": "ctl-victim"}
    connection = pika.BlockingConnection(parameters)
    name = next(c["name"] for c in json.loads(ctl("list", "connections", "--json").stdout)
                if c["user_provided_name"] == "ctl-victim")
    ctl("close-connection", name, "--reason", "maintenance")
    with pytest.raises(pika.exceptions.ConnectionClosedByBroker) as closed:
        for _ in range(100):
            connection.process_data_events(0.1)
    assert (closed.value.reply_code, closed.value.reply_text) == (320, "CONNECTION_FORCED - maintenance")


def test_definitions_export_and_import_round_trip(tmp_path):
    exported = tmp_path / "definitions.json"
    ctl("export", str(exported), command="definitions")
    definitions = json.loads(exported.read_text())
    assert "guest" in [u["name"] for u in definitions["users"]]
    definitions["queues"].append({"name": "ctl.imported", "vhost": "/", "durable": True, "auto_delete": False,
                                  "arguments": {}})
    exported.write_text(json.dumps(definitions))
    report = ctl("import", str(exported), command="definitions").stdout
    assert "created: queues 1" in report and "already there:" in report
    ctl("delete", "queue", "ctl.imported")
    broken = tmp_path / "broken.json"
    broken.write_text('{"bindings": [{"source": "amq.direct", "vhost": "/", "destination": "nowhere", '
                      '"destination_type": "queue", "routing_key": "", "arguments": {}}]}')
    refused = ctl("import", str(broken), command="definitions", check=False)
    assert refused.returncode != 0 and "nowhere" in refused.stderr


def test_reset_group_moves_an_idle_consumer_group(amqp_url):
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        channel.queue_declare("ctl.events", durable=True)
        for n in range(3):
            channel.basic_publish("", "ctl.events", str(n).encode())
        tag = channel.basic_consume("ctl.events", lambda *args: None,
                                    arguments={"x-consumer-group": "ctl-audit", "x-stream-offset": "next"})
        busy = ctl("reset-group", "ctl.events", "ctl-audit", "--to", "first", check=False)
        assert busy.returncode != 0 and "has consumers" in busy.stderr
        channel.basic_cancel(tag)
        ctl("reset-group", "ctl.events", "ctl-audit", "--to", "first")
        groups = {g["group"]: g for g in json.loads(ctl("list", "groups", "--json").stdout) if g["queue"] == "ctl.events"}
        assert groups["ctl-audit"]["lag"] == 3
        ctl("reset-group", "ctl.events", "ctl-audit", "--to", "2")
        groups = {g["group"]: g for g in json.loads(ctl("list", "groups", "--json").stdout) if g["queue"] == "ctl.events"}
        assert groups["ctl-audit"]["lag"] == 1
        bad = ctl("reset-group", "ctl.events", "ctl-audit", "--to", "sideways", check=False)
        assert bad.returncode != 0 and "--to must be" in bad.stderr
        channel.queue_delete("ctl.events")
    finally:
        connection.close()
