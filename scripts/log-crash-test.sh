#!/usr/bin/env bash
# log-crash-test.sh CYCLES [--debug]
#
# Crash test of WarrenLog's `always` durability. Each cycle: a child process
# (`warren-log-tool crash-append`) appends to one log and prints every high watermark the log
# reports; it is killed with SIGKILL at a random moment; `warren-log-tool crash-verify` reopens
# the log and checks that every offset reported durable before the kill is present and
# byte-identical (record contents derive from their offset). The log carries over between
# cycles, so later cycles also recover logs that have been cut many times.
# Exits non-zero on any lost or corrupt record. Final line:
#   crash test: N cycles, D durable offsets checked, L lost, C corrupt
set -euo pipefail

cycles="${1:-100}"
configuration=release
if [[ "${2:-}" == "--debug" ]]; then configuration=debug; fi
cd "$(dirname "$0")/.."

swift build -c "$configuration" --product warren-log-tool >/dev/null
tool="$(swift build -c "$configuration" --show-bin-path)/warren-log-tool"

work="$(mktemp -d "${TMPDIR:-/tmp}/warren-crash.XXXXXX")"
trap 'rm -rf "$work"' EXIT
dir="$work/log"
segment_bytes=$((256 * 1024))  # Small segments, so kills also land around segment rolls.

checked_total=0
lost_total=0
corrupt_total=0
durable=0

for ((cycle = 1; cycle <= cycles; cycle++)); do
    out="$work/append-$cycle.out"
    "$tool" crash-append --directory "$dir" --segment-bytes "$segment_bytes" >"$out" 2>"$work/append.err" &
    child=$!
    # Kill after 50-800 ms (the first cycle waits long enough to get past process start).
    delay_ms=$((50 + RANDOM % 750))
    if ((cycle == 1)); then delay_ms=$((delay_ms + 500)); fi
    sleep "$(printf '0.%03d' "$delay_ms")"
    kill -KILL "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
    # Only complete lines count: a kill may cut the last one.
    reported=$(grep -E '^durable [0-9]+$' "$out" | awk '{print $2}' | sort -n | tail -1 || true)
    if [[ -n "$reported" ]] && ((reported > durable)); then durable=$reported; fi
    if ! result=$("$tool" crash-verify --directory "$dir" --durable "$durable" --segment-bytes "$segment_bytes"); then
        echo "cycle $cycle: $result" >&2
    fi
    checked=$(sed -n 's/.*checked \([0-9]*\), lost \([0-9]*\), corrupt \([0-9]*\).*/\1/p' <<<"$result")
    lost=$(sed -n 's/.*checked \([0-9]*\), lost \([0-9]*\), corrupt \([0-9]*\).*/\2/p' <<<"$result")
    corrupt=$(sed -n 's/.*checked \([0-9]*\), lost \([0-9]*\), corrupt \([0-9]*\).*/\3/p' <<<"$result")
    checked_total=$((checked_total + ${checked:-0}))
    lost_total=$((lost_total + ${lost:-1}))
    corrupt_total=$((corrupt_total + ${corrupt:-0}))
    echo "cycle $cycle: killed after ${delay_ms} ms; $result"
done

echo "crash test: $cycles cycles, $checked_total durable offsets checked, $lost_total lost, $corrupt_total corrupt"
if ((lost_total > 0 || corrupt_total > 0)); then exit 1; fi
