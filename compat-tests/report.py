#!/usr/bin/env python3
"""Writes docs/compatibility.md from the last run against each broker, then appends the
handwritten docs/compatibility-notes.md.

    python3 compat-tests/report.py [--results DIR] [--notes FILE] [--out FILE]

Reads DIR/rabbitmq.json and DIR/warren.json (written by `compat-tests/run`, see results_json.py).
A behaviour is a test (its name, made readable); its client is the module's `client` marker.
Test names that several clients share form the client matrix; every test is listed per module.
Standard library only.
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BROKERS = (("rabbitmq", "RabbitMQ 3.10"), ("warren", "Warren"))


def load(directory):
    runs = {}
    for broker, _ in BROKERS:
        path = os.path.join(directory, f"{broker}.json")
        if not os.path.exists(path):
            sys.exit(f"report.py: no {path}; run `compat-tests/run --broker {broker}` first")
        with open(path) as source:
            runs[broker] = json.load(source)
    return runs


def readable(name):
    """test_nack_requeue_sets_redelivered[x] -> "nack requeue sets redelivered [x]". Parameter ids
    that are long runs of escaped bytes (raw frames) are left out."""
    base, _, parameters = name.partition("[")
    text = base.removeprefix("test_").replace("_", " ")
    if not parameters:
        return text
    parts = parameters.removesuffix("]").split("-")
    kept = [part for part in parts if not ("\\x" in part and len(part) > 24)] or [parts[0][:24] + "…"]
    return f"{text} [{'-'.join(kept)}]"


def cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def run_line(label, run):
    counts = {}
    for test in run["tests"]:
        counts[test["outcome"]] = counts.get(test["outcome"], 0) + 1
    summary = ", ".join(f"{counts[o]} {o}" for o in ("pass", "fail", "xfail", "skip") if o in counts)
    subset = f"; a subset only: `{run['selection']}`" if run["selection"] else ""
    return (f"- {label}: {run['product']} {run['version']}, {run['started']}, {len(run['tests'])} tests "
            f"({summary}) in {run['seconds']:.0f} s{subset}")


def outcomes(runs):
    """{nodeid: {"test": record, broker: outcome record}} in the order of the Warren run."""
    table = {}
    for broker, _ in reversed(BROKERS):
        for test in runs[broker]["tests"]:
            table.setdefault(test["nodeid"], {"test": test})[broker] = test
    return table


def state(row, broker):
    return row[broker]["outcome"] if broker in row else "—"


def note(row):
    """The reason for a skip or xfail; once if both brokers give the same one."""
    reasons = {}
    for broker, label in BROKERS:
        record = row.get(broker)
        if record and record["outcome"] in ("skip", "xfail") and record["reason"]:
            reasons[label] = record["reason"].removeprefix("Skipped: ")
    texts = list(reasons.values())
    if len(set(texts)) == 1 and (len(texts) == len(BROKERS) or texts[0].startswith("Warren bug")):
        return texts[0]  # the same on both brokers, or it names its broker itself
    return "; ".join(f"{label}: {reason}" for label, reason in reasons.items())


def client_matrix(table):
    by_name = {}
    for row in table.values():
        test = row["test"]
        by_name.setdefault(test["name"], {})[test["client"]] = row
    shared = {name: clients for name, clients in by_name.items() if len(clients) > 1}
    clients = sorted({client for by_client in shared.values() for client in by_client}, key=str.lower)
    lines = ["| behaviour | " + " | ".join(clients) + " |", "|---" * (len(clients) + 1) + "|"]
    for name, by_client in shared.items():
        cells = [f"{state(by_client[c], 'rabbitmq')} / {state(by_client[c], 'warren')}" if c in by_client else "—"
                 for c in clients]
        lines.append(f"| {readable(name)} | " + " | ".join(cells) + " |")
    return lines


def module_tables(table):
    modules = {}
    for row in table.values():
        modules.setdefault(row["test"]["module"], []).append(row)
    lines = []
    for module, rows in sorted(modules.items()):
        first = rows[0]["test"]
        clients = ", ".join(dict.fromkeys(r["test"]["client"] for r in rows))
        lines += [f"### {module} ({clients})", "", first["module_doc"], "",
                  "| behaviour | " + " | ".join(label for _, label in BROKERS) + " | note |",
                  "|---|---|---|---|"]
        for row in rows:
            states = " | ".join(state(row, broker) for broker, _ in BROKERS)
            lines.append(f"| {cell(readable(row['test']['name']))} | {states} | {cell(note(row))} |")
        lines.append("")
    return lines


def warren_bugs(table):
    lines = []
    for row in table.values():
        if row.get("warren", {}).get("outcome") == "xfail":
            reason = row["warren"]["reason"].removeprefix("Warren bug: ")
            lines.append(f"- `{row['test']['nodeid']}` ({row['test']['client']}): {reason}")
    return lines


def render(runs, notes):
    table = outcomes(runs)
    lines = ["# Compatibility with RabbitMQ", "",
             "<!-- Generated by compat-tests/report.py from compat-tests/results/*.json: edit the tests or",
             "     docs/compatibility-notes.md, then run both brokers and the report again. -->", "",
             "RabbitMQ 3.10 from Debian is the reference: `compat-tests/run --broker rabbitmq` runs the same",
             "suite against it as `compat-tests/run` does against Warren. Outcomes: pass, fail, skip (with the",
             "reason: Warren-only behaviour, or a path the client has no API for), xfail (a known Warren bug;",
             "the test asserts RabbitMQ's behaviour and fails on Warren, strictly). The runs:", ""]
    lines += [run_line(label, runs[broker]) for broker, label in BROKERS]
    lines += ["", "## Client core paths", "",
              "Each cell is RabbitMQ 3.10 / Warren, for the test of that name in the client's module.", ""]
    lines += client_matrix(table)
    bugs = warren_bugs(table)
    if bugs:
        lines += ["", "## Known Warren bugs", "", "Tests that fail on Warren and pass on RabbitMQ (strict xfail):",
                  ""] + bugs
    lines += ["", "## Every behaviour", "", "By test module, with the module's description and its clients.", ""]
    lines += module_tables(table)
    body = [line for line in notes.splitlines() if not line.startswith("<!--")]
    return "\n".join(lines).rstrip() + "\n\n" + "\n".join(body).strip() + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default=os.path.join(HERE, "results"))
    parser.add_argument("--notes", default=os.path.join(ROOT, "docs", "compatibility-notes.md"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "compatibility.md"))
    args = parser.parse_args()
    with open(args.notes) as source:
        notes = source.read()
    text = render(load(args.results), notes)
    with open(args.out, "w") as out:
        out.write(text)
    print(f"wrote {os.path.relpath(args.out)}")


if __name__ == "__main__":
    main()
