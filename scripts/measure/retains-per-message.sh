#!/usr/bin/env bash
# retains-per-message.sh: how many times the broker calls swift_retain and swift_release per
# message, counted exactly with uprobes on the Swift runtime (perf), beside the sites that make
# them. ARC traffic was a third of the broker loop's time on a16; a sampling profile spreads it
# over the runtime's entry points, a count names the caller.
#
#   scripts/measure/retains-per-message.sh [-c COUNT] [-s SIZE] [-r] -p PID URI
#
# PID is the broker's process, URI where amqp-perf connects (an autoack consumer, one
# producer). A warm-up of 200,000 messages runs first, uncounted. Then COUNT messages (default
# 20,000) run with the probes on: the totals per message, and with -r the callers (the first
# frame outside the runtime's and the compiler's copy and destroy helpers) with 0.5 or more
# per message. Probes slow every retain down: the rate printed during the count means nothing.
# Needs root (perf probe) and amqp-perf (built from ../shared/bench/amqp-perf.c if missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
count=20000 size=16 record="" pid=""
while getopts "c:s:rp:" option; do
  case $option in
    c) count=$OPTARG ;; s) size=$OPTARG ;; r) record=1 ;; p) pid=$OPTARG ;;
    *) echo "usage: $0 [-c COUNT] [-s SIZE] [-r] -p PID URI" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
uri=${1:?"usage: $0 [-c COUNT] [-s SIZE] [-r] -p PID URI"}
[ -n "$pid" ] && [ -r "/proc/$pid/maps" ] || { echo "$0: -p needs the broker's PID (got '${pid}')" >&2; exit 2; }
perf=${PERF:-$here/../../.build/amqp-perf/amqp-perf}
if [ ! -x "$perf" ]; then
  mkdir -p "$(dirname "$perf")"
  cc -O2 -std=gnu11 -pthread -o "$perf" "$here/../../../shared/bench/amqp-perf.c" -lrabbitmq -lm -pthread
fi
runtime=$(awk '/libswiftCore\.so/ {print $6; exit}' "/proc/$pid/maps")
[ -n "$runtime" ] || { echo "$0: process $pid has no libswiftCore.so mapped" >&2; exit 1; }
perf probe -q -x "$runtime" --add swift_retain --add swift_release 2> /dev/null || true
events=probe_libswiftCore:swift_retain,probe_libswiftCore:swift_release
load() { "$perf" --uri "$uri" --autoack --size "$size" --count "$1" --interval 0 --queue "rpm-$$" --cleanup > /dev/null 2>&1; }
load 200000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$record" ]; then
  perf stat -x, -e "$events" -p "$pid" -o "$work/stat" -- "$perf" --uri "$uri" --autoack --size "$size" \
    --count "$count" --interval 0 --queue "rpm-$$" --cleanup > /dev/null 2>&1
  awk -F, -v n="$count" '/probe_libswiftCore/ {split($3, e, ":"); printf "%-14s %6.1f per message\n", e[2], $1 / n}' "$work/stat"
  exit 0
fi
perf record -q -e "$events" -g -p "$pid" -o "$work/data" -- "$perf" --uri "$uri" --autoack --size "$size" \
  --count "$count" --interval 0 --queue "rpm-$$" --cleanup > /dev/null 2>&1
perf script -i "$work/data" -F event,ip,sym 2> /dev/null | python3 -c '
import collections, re, sys
n = float(sys.argv[1])
helper = re.compile(r"(Vwcp|Vwxx|VWO[a-z]|Vwca|Vwta|WO[a-z](Tm)?$|Tm$|arrayDestroy|arrayInitWithCopy|"
                    r"arrayAssignWithCopy|ArrayStorageCfD|release_dealloc|wCP|initializeWithCopy|"
                    r"ValueWitnesses|^swift_|destroy|outlined|RetainableBox|swift::)")
counts, totals = collections.Counter(), collections.Counter()
event, frames = None, []
def done():
    if event is None: return
    totals[event] += 1
    caller = next((f for f in frames[1:] if not helper.search(f)), "?")
    counts[(event, caller)] += 1
for line in sys.stdin:
    if "probe_libswiftCore:" in line:
        done()
        event, frames = ("swift_release" if "release" in line else "swift_retain"), []
    elif line.strip():
        parts = line.split(None, 1)
        if len(parts) == 2: frames.append(parts[1].strip())
done()
for name in ("swift_retain", "swift_release"):
    print(f"{name:14} {totals[name] / n:6.1f} per message")
for (name, caller), c in counts.most_common():
    if c / n < 0.5: break
    print(f"{c / n:5.1f} {name[6:]:7} {caller[:160]}")
' "$count"
