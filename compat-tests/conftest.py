"""Shared fixtures for the compatibility suite.

The suite runs against whatever broker `compat-tests/run` started: Warren, or with
`--broker rabbitmq` a throw-away RabbitMQ 3.10 (the oracle). Tests read:
  AMQP_URL      amqp://guest:guest@127.0.0.1:PORT/%2f
  AMQP_PORT     the port alone (raw-socket tests)
  BROKER        "warren" or "rabbitmq"
A test that only holds for one broker says so with a marker and a reason:
  @pytest.mark.warren_only("why")      skipped on RabbitMQ
  @pytest.mark.rabbitmq_differs("why") the expectation differs; the difference is written in
                                       docs/compatibility.md and the test branches on `broker`
"""
import os

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "warren_only(reason): behaviour RabbitMQ 3.10 does not have")
    config.addinivalue_line("markers", "rabbitmq_differs(reason): a documented difference from RabbitMQ")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("BROKER") != "rabbitmq":
        return
    for item in items:
        marker = item.get_closest_marker("warren_only")
        if marker:
            item.add_marker(pytest.mark.skip(reason=f"Warren only: {marker.args[0] if marker.args else ''}"))


@pytest.fixture(scope="session")
def broker():
    return os.environ.get("BROKER", "warren")


@pytest.fixture(scope="session")
def amqp_url():
    return os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2f")


@pytest.fixture(scope="session")
def amqp_port():
    return int(os.environ.get("AMQP_PORT", "5672"))
