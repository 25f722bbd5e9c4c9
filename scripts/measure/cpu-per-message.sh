#!/usr/bin/env bash
# cpu-per-message.sh: the broker's and the load generator's CPU time per message, beside the
# rate, for the compare scenarios. On a machine the broker shares with its load generator the
# rate follows the sum of the two costs, so the cost per message is the steadier figure.
#
#   scripts/measure/cpu-per-message.sh [-n ROUNDS] [-t SECONDS] [-s "a16 a1k b cc d"] -p PID URI
#
# PID is the broker's process (its utime + stime from /proc/PID/stat are read before and after
# each run); URI is where amqp-perf connects. Scenarios, as bench.sh's pairs:
#   a16, a1k  transient 16 B / 1 KiB, autoack
#   b         durable queue, persistent 1 KiB, confirms (1000 window), prefetch 1000, multi-ack 100
#   cc        b with x-queue-type=quorum;  d  b on a stream read from first
# Prints one line per run: rate, broker µs/msg, client µs/msg, p99 end-to-end latency.
# QNAME=NAME names the queue (and so the routing key) instead of a short generated name:
# compare.sh's queues are named like bench-a1k-1-12345, over the 15 bytes a String holds
# inline, and a broker's cost per message can depend on that.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=1 seconds=6 scenarios="a16 a1k b cc d" pid=""
while getopts "n:t:s:p:" option; do
  case $option in
    n) rounds=$OPTARG ;; t) seconds=$OPTARG ;; s) scenarios=$OPTARG ;; p) pid=$OPTARG ;;
    *) echo "usage: $0 [-n ROUNDS] [-t SECONDS] [-s SCENARIOS] -p PID URI" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
uri=${1:?"usage: $0 [-n ROUNDS] [-t SECONDS] [-s SCENARIOS] -p PID URI"}
[ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || { echo "$0: -p needs the broker's PID (got '${pid}')" >&2; exit 2; }
perf=${PERF:-$here/../../.build/amqp-perf/amqp-perf}
if [ ! -x "$perf" ]; then
  mkdir -p "$(dirname "$perf")"
  cc -O2 -std=gnu11 -pthread -o "$perf" "$here/../../../shared/bench/amqp-perf.c" -lrabbitmq -lm -pthread
fi
durable="--persistent --confirm 1000 --prefetch 1000 --multi-ack 100 --size 1024"
arguments() {
  case $1 in
    a16) echo "--autoack --size 16" ;;
    a1k) echo "--autoack --size 1024" ;;
    b) echo "$durable" ;;
    cc) echo "$durable --queue-args x-queue-type=quorum" ;;
    d) echo "$durable --queue-args x-queue-type=stream --stream-offset first" ;;
    *) echo "$0: unknown scenario '$1' (a16 a1k b cc d)" >&2; exit 2 ;;
  esac
}
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for round in $(seq "$rounds"); do
  for scenario in $scenarios; do
    args=$(arguments "$scenario")
    before=$(ticks)
    # shellcheck disable=SC2086
    "$perf" --uri "$uri" --duration "$seconds" --interval 0 --queue "${QNAME:-cpm-$scenario-$round-$$}" --cleanup $args \
      > "$out" 2> /dev/null
    after=$(ticks)
    python3 - "$round" "$scenario" "$before" "$after" "$hz" "$out" <<'PY'
import json, sys
round_, scenario, before, after, hz, path = sys.argv[1:]
run = json.loads(open(path).readline())
n = run["received"] or 1
broker = (int(after) - int(before)) / int(hz)
print(f"{round_} {scenario:4} {run['consume_rate']:9.0f} msg/s  broker {broker / n * 1e6:6.2f} us/msg"
      f"  client {run['client_cpu_s'] / n * 1e6:5.2f} us/msg  p99 {run['latency_p99_us'] / 1000:7.1f} ms")
PY
  done
done
