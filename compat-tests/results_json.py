"""pytest plugin: with `--results-json PATH`, writes every test's outcome as JSON for report.py.

One record per test: module and its docstring, test name and docstring, client (the `client`
marker, else "pika BlockingConnection"), outcome (pass, fail, skip, xfail) with the reason for
skip and xfail, and the duration. The header names the broker (BROKER), its product and version
as it announces them in connection.start, and `selection`: the test paths, -k and -m given, empty
for a run of the whole suite.
"""
import datetime
import json
import os
import sys

import pytest


def pytest_addoption(parser):
    parser.addoption("--results-json", metavar="PATH", help="write each test's outcome to PATH as JSON")


def first_paragraph(text):
    return " ".join((text or "").strip().split("\n\n")[0].split())


def broker_identity(url):
    """(product, version) from the broker's connection.start, or ("?", "?") if it cannot be asked."""
    try:
        import pika

        params = pika.URLParameters(url)
        params.socket_timeout = params.blocked_connection_timeout = 5
        connection = pika.BlockingConnection(params)
        properties = connection._impl.server_properties
        connection.close()
        text = lambda v: v.decode() if isinstance(v, bytes) else str(v)
        return text(properties.get("product", "?")), text(properties.get("version", "?"))
    except Exception:  # noqa: BLE001 -- the report says "?" rather than the run failing
        return "?", "?"


class Results:
    def __init__(self, path, selection):
        self.path = path
        self.selection = selection
        self.tests = {}
        self.started = None

    def pytest_sessionstart(self, session):
        self.started = datetime.datetime.now(datetime.timezone.utc)
        self.product, self.version = broker_identity(os.environ.get("AMQP_URL", "amqp://127.0.0.1:5672/%2f"))

    def pytest_collection_modifyitems(self, items):
        for item in items:
            client = item.get_closest_marker("client")
            module = getattr(item, "module", None)
            function = getattr(item, "function", None)
            self.tests[item.nodeid] = {
                "nodeid": item.nodeid,
                "module": item.nodeid.split("::")[0],
                "module_doc": first_paragraph(getattr(module, "__doc__", "")),
                "name": item.name,
                "doc": first_paragraph(getattr(function, "__doc__", "")),
                "client": client.args[0] if client else "pika BlockingConnection",
                "outcome": None,
                "reason": "",
                "duration": 0.0,
            }

    def pytest_runtest_logreport(self, report):
        test = self.tests.get(report.nodeid)
        if test is None:
            return
        test["duration"] = round(test["duration"] + report.duration, 3)
        if hasattr(report, "wasxfail"):
            test["outcome"], test["reason"] = ("xfail", report.wasxfail) if report.skipped else ("fail", "XPASS")
        elif report.failed:
            test["outcome"] = "fail"
        elif report.skipped and test["outcome"] is None:
            test["outcome"] = "skip"
            test["reason"] = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        elif report.when == "call" and report.passed and test["outcome"] is None:
            test["outcome"] = "pass"

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session):
        tests = [t for t in self.tests.values() if t["outcome"] is not None]
        document = {
            "broker": os.environ.get("BROKER", "warren"),
            "product": self.product,
            "version": self.version,
            "python": sys.version.split()[0],
            "started": self.started.isoformat(timespec="seconds"),
            "seconds": round((datetime.datetime.now(datetime.timezone.utc) - self.started).total_seconds(), 1),
            "selection": self.selection,
            "tests": tests,
        }
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        with open(self.path, "w") as out:
            json.dump(document, out, indent=1)


def pytest_configure(config):
    path = config.getoption("--results-json")
    if path:
        selection = list(config.args) if config.args_source == pytest.Config.ArgsSource.ARGS else []
        selection += [f"{flag} {value}" for flag, value in (("-k", config.option.keyword),
                                                            ("-m", config.option.markexpr)) if value]
        config.pluginmanager.register(Results(path, " ".join(selection)), "compat-results-json")
