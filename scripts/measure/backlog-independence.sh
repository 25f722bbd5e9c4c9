#!/usr/bin/env bash
# backlog-independence.sh: a deep backlog must not slow consumers or publishers.
#
#   scripts/measure/backlog-independence.sh [-d DEPTH] [-s BYTES] [-t SECONDS] [-r RATE] [-p PID] URI
#
# Against the broker at URI (persistent messages, confirms with a 1000 window, prefetch 1000,
# multi-ack 100, as bench.sh's scenario b), with queue names unique to the run:
#   1. empty:  a producer and a consumer on an empty queue for SECONDS: consume rate E.
#   2. fill:   DEPTH messages into queue "deep" with no consumer (the fill's publish rate).
#   3. deep:   the same producer and consumer on "deep" for SECONDS; the consumer starts at
#              the head of the backlog, so it reads what was written longest ago: rate D.
#              Backlog independence: D / E >= 0.9.
#   4. attach: a producer at RATE msg/s into "deep" for SECONDS, alone (P0), then again while
#              a consumer drains the backlog as fast as it can (P1): publishing keeps its rate
#              and its confirm latency when consumers attach.
# With -p PID, the broker's resident memory is read after the fill and after step 4.
# Defaults: DEPTH 10000000, BYTES 1024, SECONDS 20, RATE 10000. Prints a summary table; the
# amqp-perf JSON lines are kept in ${OUT:-/tmp/backlog-independence}.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
DEPTH=10000000 SIZE=1024 SECS=20 RATE=10000 PID=
while getopts d:s:t:r:p:h flag; do
  case $flag in
    d) DEPTH=$OPTARG ;; s) SIZE=$OPTARG ;; t) SECS=$OPTARG ;; r) RATE=$OPTARG ;; p) PID=$OPTARG ;;
    *) sed -n '2,22p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
URI=${1:?$(sed -n '4p' "$0")}
PERF=${PERF:-$here/../../../shared/bench/amqp-perf}
if [ ! -x "$PERF" ]; then
  PERF=${TMPDIR:-/tmp}/amqp-perf-build/amqp-perf
  mkdir -p "$(dirname "$PERF")"
  [ -x "$PERF" ] || cc -O2 -std=gnu11 -pthread -o "$PERF" "$here/../../../shared/bench/amqp-perf.c" -lrabbitmq -lm -pthread
fi
command -v amqp-delete-queue > /dev/null ||
  { echo "$0: needs amqp-delete-queue (Debian package amqp-tools) to delete the backlog at the end" >&2; exit 2; }
OUT=${OUT:-/tmp/backlog-independence}
mkdir -p "$OUT"
run=$(date +%s)
common=(--uri "$URI" --persistent --confirm 1000 --prefetch 1000 --multi-ack 100 --size "$SIZE")
rss() { [ -n "$PID" ] && awk '/VmRSS/ {printf "%.1f MiB", $2 / 1024}' "/proc/$PID/status" || echo "-"; }
field() { python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).readline())[sys.argv[2]])" "$1" "$2"; }

echo "1. empty queue: producer and consumer for $SECS s" >&2
"$PERF" "${common[@]}" --queue "empty-$run" --duration "$SECS" --cleanup > "$OUT/empty.json"
echo "2. fill: $DEPTH messages of $SIZE B, no consumer" >&2
"$PERF" "${common[@]}" --queue "deep-$run" --consumers 0 --count "$DEPTH" > "$OUT/fill.json"
rss_filled=$(rss)
echo "3. deep backlog: producer and consumer for $SECS s" >&2
# amqp-perf's consumer stops after as many deliveries as its producer sent; they come from the
# head of the backlog, not from this run (so it reports no latency worth reading).
set +e
"$PERF" "${common[@]}" --queue "deep-$run" --duration "$SECS" > "$OUT/deep.json"
set -e
echo "4. publishing at $RATE msg/s: alone, then while a consumer drains the backlog" >&2
"$PERF" "${common[@]}" --queue "deep-$run" --consumers 0 --rate "$RATE" --duration "$SECS" > "$OUT/alone.json"
drain=$((DEPTH / 2))
"$PERF" "${common[@]}" --queue "deep-$run" --producers 0 --consume-count "$drain" --idle-timeout 5 \
    > "$OUT/drain.json" 2> "$OUT/drain.log" &
drainer=$!
"$PERF" "${common[@]}" --queue "deep-$run" --consumers 0 --rate "$RATE" --duration "$SECS" > "$OUT/attached.json"
kill -INT "$drainer" 2>/dev/null || true
wait "$drainer" 2>/dev/null || true
rss_end=$(rss)
# The rest of the backlog goes with the queue (amqp-tools).
amqp-delete-queue --url "${URI%/%2f}" --queue "deep-$run" > /dev/null

E=$(field "$OUT/empty.json" consume_rate) D=$(field "$OUT/deep.json" consume_rate)
printf '| step | publish msg/s | consume msg/s | confirm p99 ms | broker RSS |\n|---|---|---|---|---|\n'
printf '| 1. empty queue | %.0f | %.0f | %.2f | |\n' "$(field "$OUT/empty.json" publish_rate)" "$E" \
    "$(python3 -c "print($(field "$OUT/empty.json" confirm_latency_p99_us) / 1000)")"
printf '| 2. fill %s messages, no consumer | %.0f | | %.2f | %s |\n' "$DEPTH" "$(field "$OUT/fill.json" publish_rate)" \
    "$(python3 -c "print($(field "$OUT/fill.json" confirm_latency_p99_us) / 1000)")" "$rss_filled"
printf '| 3. deep backlog | %.0f | %.0f | %.2f | |\n' "$(field "$OUT/deep.json" publish_rate)" "$D" \
    "$(python3 -c "print($(field "$OUT/deep.json" confirm_latency_p99_us) / 1000)")"
for step in alone attached; do
  printf '| 4. %s at %s msg/s | %.0f | | %.2f | %s |\n' "$step" "$RATE" "$(field "$OUT/$step.json" publish_rate)" \
      "$(python3 -c "print($(field "$OUT/$step.json" confirm_latency_p99_us) / 1000)")" "$([ $step = attached ] && echo "$rss_end")"
done
python3 -c "print(f'consume rate from the deep backlog / from an empty queue: {$D / $E:.2f}')"
