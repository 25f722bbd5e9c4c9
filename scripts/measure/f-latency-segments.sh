#!/usr/bin/env bash
# f-latency-segments.sh: where each message's end-to-end time goes in compare's `f` (1,000
# msg/s, persistent 1 KiB, confirms, prefetch 1000, multi-ack 100). Starts BINARY (`warren
# serve`) on a fresh data directory, runs amqp-perf against it, records scheduler and syscall
# tracepoints on every core for a few seconds (perf, as root), and splits each message into
# the producer's send of its body -> the broker's read of it -> the broker's write of its
# delivery -> the consumer's read of that (f_latency_segments.py prints the percentiles and
# what ran around the slowest 2%).
#
#   scripts/measure/f-latency-segments.sh [-t SECONDS] BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=4
while getopts "t:" option; do
  case $option in t) seconds=$OPTARG ;; *) echo "usage: $0 [-t SECONDS] BINARY" >&2; exit 2 ;; esac
done
shift $((OPTIND - 1))
binary=${1:?"usage: $0 [-t SECONDS] BINARY"}
command -v perf > /dev/null || { echo "$0: needs perf (Debian: linux-perf)" >&2; exit 2; }
perf_tool=${PERF:-$here/../../.build/amqp-perf/amqp-perf}
if [ ! -x "$perf_tool" ]; then
  mkdir -p "$(dirname "$perf_tool")"
  cc -O2 -std=gnu11 -pthread -o "$perf_tool" "$here/../../../shared/bench/amqp-perf.c" -lrabbitmq -lm -pthread
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
work=$(mktemp -d -t warren-f-segments-XXXXXX)
"$binary" serve --port "$port" --no-management --data-dir "$work/data" > "$work/warren.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $port)))" && break
  sleep 0.1
done
"$perf_tool" --uri "amqp://guest:guest@127.0.0.1:$port/%2f" --duration $((seconds + 3)) --queue "f-segments-$$" \
  --cleanup --quiet --persistent --confirm 1000 --prefetch 1000 --multi-ack 100 --size 1024 --rate 1000 \
  > "$work/perf.json" 2> /dev/null &
load=$!
sleep 2
perf record -a -o "$work/trace.data" -e sched:sched_switch -e sched:sched_wakeup -e syscalls:sys_enter_sendto \
  -e syscalls:sys_enter_write -e syscalls:sys_exit_recvfrom -e syscalls:sys_exit_read -- sleep "$seconds" > /dev/null 2>&1
wait "$load"
python3 -c "import json; d=json.load(open('$work/perf.json')); print('amqp-perf end to end: p50', d['latency_p50_us'], 'p95', d['latency_p95_us'], 'p99', d['latency_p99_us'], 'us')"
perf script -i "$work/trace.data" -F comm,tid,cpu,time,event,trace 2> /dev/null | python3 "$here/f_latency_segments.py"
