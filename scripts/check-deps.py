#!/usr/bin/env python3
"""Fails when a target depends on something its layer may not (see docs/architecture.md).

Reads `swift package describe --type json`; every library target must be listed below, so a
new target has to state its place in the layering before it can land. Test targets may use
their own target, WarrenTestSupport and test utilities.
"""
import json
import subprocess
import sys

NIO_BASE = {"NIOCore"}
ALLOWED = {
    "AMQPProtocol": {"NIOCore"},
    "CWarrenCRC32C": set(),  # CRC-32C with the CPU instruction, for WarrenLog
    "WarrenLog": {"CWarrenCRC32C", "NIOCore", "SystemPackage", "Logging", "DequeModule", "Atomics"},
    "WarrenBroker": {"WarrenLog", "NIOCore", "NIOConcurrencyHelpers", "SystemPackage", "DequeModule", "Logging", "Metrics", "Atomics"},
    "WarrenAMQP": {"AMQPProtocol", "WarrenBroker", "DequeModule", "NIOCore", "NIOPosix", "NIOConcurrencyHelpers", "NIOSSL", "NIOTLS",
                   "Logging", "ServiceLifecycle"},
    "WarrenHTTP": {"WarrenBroker", "WarrenLog", "Hummingbird", "HummingbirdTLS", "Logging", "NIOCore", "Prometheus"},
    "WarrenDefinitionsSQLite": {"WarrenBroker", "SQLiteNIO", "NIOCore", "NIOPosix", "NIOConcurrencyHelpers", "Logging"},
    "AMQPClient": {"AMQPProtocol", "NIOCore", "NIOPosix", "NIOSSL", "NIOConcurrencyHelpers"},
    "WarrenServer": {"WarrenAMQP", "WarrenHTTP", "WarrenDefinitionsSQLite", "WarrenBroker", "WarrenLog",
                     "NIOCore", "NIOPosix", "NIOConcurrencyHelpers", "Logging", "ServiceLifecycle", "UnixSignals",
                     "Metrics", "Prometheus"},
    "warren": {"WarrenServer", "AMQPClient", "AMQPProtocol", "WarrenLog", "ArgumentParser", "Logging", "NIOCore",
               "NIOPosix", "NIOConcurrencyHelpers"},
    "warren-broker-bench": {"WarrenBroker", "WarrenLog", "NIOCore", "NIOPosix", "NIOConcurrencyHelpers", "Logging",
                            "ArgumentParser"},
    "warren-log-tool": {"WarrenLog", "ArgumentParser", "NIOCore", "SystemPackage", "Logging"},
    "WarrenTestSupport": {"AMQPProtocol", "WarrenAMQP", "WarrenBroker", "WarrenLog", "AMQPClient", "NIOCore",
                          "NIOEmbedded", "NIOPosix", "Logging"},
}
TEST_EXTRAS = {"HummingbirdTesting", "WarrenTestSupport", "NIOTestUtils", "NIOEmbedded", "NIOCore", "NIOPosix", "NIOConcurrencyHelpers", "Logging",
               "AMQPProtocol", "AMQPClient", "WarrenAMQP", "WarrenServer", "WarrenLog", "SystemPackage"}


def main():
    described = json.loads(subprocess.run(["swift", "package", "describe", "--type", "json"], check=True,
                                          capture_output=True, text=True).stdout)
    problems = []
    for target in described["targets"]:
        name = target["name"]
        deps = set(target.get("target_dependencies") or []) | set(target.get("product_dependencies") or [])
        if target.get("type") == "test":
            tested = name[:-len("Tests")]
            # A test target may also use what its target may (a store's tests build broker values).
            allowed = TEST_EXTRAS | {tested} | ALLOWED.get(tested, set())
        elif name in ALLOWED:
            allowed = ALLOWED[name]
        else:
            problems.append(f"{name}: not in scripts/check-deps.py; state which layer it belongs to")
            continue
        for dep in sorted(deps - allowed):
            problems.append(f"{name} -> {dep}: edge not allowed by the layering")
    for problem in problems:
        print(f"check-deps: {problem}")
    if problems:
        sys.exit(1)
    print(f"check-deps: {len(described['targets'])} targets, every dependency edge allowed")


if __name__ == "__main__":
    main()
