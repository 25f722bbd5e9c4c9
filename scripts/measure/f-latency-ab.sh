#!/usr/bin/env bash
# f-latency-ab.sh: compare's `f` (1,000 msg/s, persistent 1 KiB, confirms, prefetch 1000,
# multi-ack 100) against several broker binaries in turn, each round on a fresh broker with a
# fresh data directory, so builds can be compared under the same noise.
#
#   scripts/measure/f-latency-ab.sh [-n ROUNDS] [-t SECONDS] BINARY... [rabbitmq=URI]
#
# A BINARY is a `warren` executable (started as `BINARY serve --port PORT --no-management`,
# stopped by its PID after its run); `rabbitmq=URI` runs the same command against a broker
# already listening at URI. Prints one line per run: round, name, end-to-end latency p50, p95
# and p99, and confirm latency p50 and p99 (µs, from amqp-perf's JSON line).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=3 seconds=8
while getopts "n:t:" option; do
  case $option in
    n) rounds=$OPTARG ;; t) seconds=$OPTARG ;;
    *) echo "usage: $0 [-n ROUNDS] [-t SECONDS] BINARY... [rabbitmq=URI]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: $0 [-n ROUNDS] [-t SECONDS] BINARY... [rabbitmq=URI]" >&2; exit 2; }
perf=${PERF:-$here/../../.build/amqp-perf/amqp-perf}
if [ ! -x "$perf" ]; then
  mkdir -p "$(dirname "$perf")"
  cc -O2 -std=gnu11 -pthread -o "$perf" "$here/../../../shared/bench/amqp-perf.c" -lrabbitmq -lm -pthread
fi
options="--persistent --confirm 1000 --prefetch 1000 --multi-ack 100 --size 1024 --rate 1000"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pid="" data=""
stop() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$data"; pid=""; }
trap stop EXIT
for round in $(seq 1 "$rounds"); do
  for target in "$@"; do
    if [[ $target == rabbitmq=* ]]; then
      name=rabbitmq uri=${target#rabbitmq=}
    else
      [ -x "$target" ] || { echo "$0: not an executable: $target" >&2; exit 2; }
      name=$(basename "$target") uri="amqp://guest:guest@127.0.0.1:$port/%2f"
      data=$(mktemp -d -t warren-f-ab-XXXXXX)
      "$target" serve --port "$port" --no-management --data-dir "$data" > "$data.log" 2>&1 &
      pid=$!
      for _ in $(seq 1 100); do
        python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $port)))" && break
        sleep 0.1
      done
    fi
    # shellcheck disable=SC2086 # an option list
    "$perf" --uri "$uri" --duration "$seconds" --queue "f-ab-$round-$$" --cleanup --quiet $options 2>/dev/null |
      python3 -c "import json,sys; d=json.load(sys.stdin); print('$round', '$name', *(d[k] for k in ('latency_p50_us', 'latency_p95_us', 'latency_p99_us', 'confirm_latency_p50_us', 'confirm_latency_p99_us')))"
    [ -n "$pid" ] && { stop; rm -f "$data.log"; }
  done
done
