"""Shared fixtures for the compatibility suite.

The suite runs against whatever broker `compat-tests/run` started: Warren, or with
`--broker rabbitmq` a throw-away RabbitMQ 3.10 (the oracle). Tests read:
  AMQP_URL      amqp://guest:guest@127.0.0.1:PORT/%2f
  AMQP_PORT     the port alone (raw-socket tests)
  MANAGEMENT_PORT  the management HTTP API's port (fixture `management`)
  BROKER        "warren" or "rabbitmq"
A test that only holds for one broker says so with a marker and a reason:
  @pytest.mark.warren_only("why")      skipped on RabbitMQ
  @pytest.mark.rabbitmq_differs("why") the expectation differs; the difference is written in
                                       docs/compatibility-notes.md and the test branches on `broker`
  @pytest.mark.warren_bug("what")      Warren gets it wrong: strict xfail on Warren only (a failed
                                       assertion; raises=... for another exception); the test
                                       asserts RabbitMQ's behaviour
A module names the client it drives with `pytestmark = pytest.mark.client("name")` (default "pika
BlockingConnection"); report.py groups results by it. `--results-json PATH` (results_json.py)
records the outcomes.
"""
import base64
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

pytest_plugins = ["results_json"]


def pytest_configure(config):
    config.addinivalue_line("markers", "warren_only(reason): behaviour RabbitMQ 3.10 does not have")
    config.addinivalue_line("markers", "rabbitmq_differs(reason): a documented difference from RabbitMQ")
    config.addinivalue_line("markers", "warren_bug(reason): Warren differs from RabbitMQ by mistake (strict xfail)")
    config.addinivalue_line("markers", "client(name): the client library a module drives")


def pytest_collection_modifyitems(config, items):
    on_rabbitmq = os.environ.get("BROKER") == "rabbitmq"
    # COMPAT_CHECK_WARREN_ONLY=1 runs Warren-only tests against RabbitMQ too, to see the oracle
    # refuse them (they must fail there: they test what RabbitMQ does not have).
    check_warren_only = os.environ.get("COMPAT_CHECK_WARREN_ONLY") == "1"
    for item in items:
        marker = item.get_closest_marker("warren_only")
        if marker and on_rabbitmq and not check_warren_only:
            item.add_marker(pytest.mark.skip(reason=f"Warren only: {marker.args[0] if marker.args else ''}"))
        bug = item.get_closest_marker("warren_bug")
        if bug and not on_rabbitmq:
            # Only a failed assertion is the expected failure; any other error still fails the test.
            item.add_marker(pytest.mark.xfail(strict=True, raises=bug.kwargs.get("raises", AssertionError),
                                              reason=f"Warren bug: {bug.args[0]}"))


@pytest.fixture(scope="session")
def broker():
    return os.environ.get("BROKER", "warren")


@pytest.fixture(scope="session")
def amqp_url():
    return os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2f")


@pytest.fixture
def connection(amqp_url):
    """A pika BlockingConnection for one test (modules may define their own)."""
    import pika
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    yield connection
    if connection.is_open:
        connection.close()


@pytest.fixture
def channel(connection):
    """A channel of `connection` in confirm mode, so a refused publish raises."""
    channel = connection.channel()
    channel.confirm_delivery()
    return channel


@pytest.fixture(scope="session")
def amqp_port():
    return int(os.environ.get("AMQP_PORT", "5672"))


class ManagementAPI:
    """The broker's management HTTP API as guest: `call(method, path, body)` returns
    (status, decoded JSON or None). Paths are under /api; vhost names are quoted here."""

    def __init__(self, port, user="guest", password="guest"):
        self.base = f"http://127.0.0.1:{port}/api"
        self.auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    @staticmethod
    def quote(name):
        return urllib.parse.quote(name, safe="")

    def call(self, method, path, body=None, timeout=10):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, method=method, data=data)
        request.add_header("Authorization", self.auth)
        request.add_header("content-type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        return status, (json.loads(raw) if raw else None)

    def set_policy(self, name, pattern, definition, apply_to="queues", priority=0, vhost="/"):
        body = {"pattern": pattern, "definition": definition, "apply-to": apply_to, "priority": priority}
        status, reply = self.call("PUT", f"/policies/{self.quote(vhost)}/{self.quote(name)}", body)
        assert status in (201, 204), (status, reply)

    def add_user(self, name, password="pw", permissions=(".*", ".*", ".*"), vhost="/"):
        """A new user with no tags and, unless `permissions` is None, these (configure, write,
        read) patterns on `vhost`."""
        status, reply = self.call("PUT", f"/users/{self.quote(name)}", {"password": password, "tags": ""})
        assert status == 201, (status, reply)
        if permissions is not None:
            configure, write, read = permissions
            status, reply = self.call("PUT", f"/permissions/{self.quote(vhost)}/{self.quote(name)}",
                                      {"configure": configure, "write": write, "read": read})
            assert status == 201, (status, reply)

    def clear_policy(self, name, vhost="/"):
        return self.call("DELETE", f"/policies/{self.quote(vhost)}/{self.quote(name)}")[0]


@pytest.fixture(scope="session")
def management():
    return ManagementAPI(int(os.environ.get("MANAGEMENT_PORT", "15672")))


def eventually(condition, timeout=20.0):
    """Polls `condition` until it returns a true value or `timeout` seconds pass; returns the
    last value. For RabbitMQ's management statistics, which lag the broker by a few seconds
    and notify nobody: a bounded wait on the value, not a sleep for a fixed time."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.25)
