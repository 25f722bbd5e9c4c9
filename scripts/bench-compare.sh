#!/usr/bin/env bash
# Side-by-side numbers: builds Warren in release mode, starts it on a free loopback port with a
# fresh data directory, runs ../shared/bench/compare.sh (librabbitmq's amqp-perf against Warren
# and a throw-away RabbitMQ 3.10, alternated) for the given pairs, stops Warren by its PID, and
# writes the table, the machine and the command into docs/benchmarks.md.
#
#   scripts/bench-compare.sh [-n RUNS] [-t SECONDS] [PAIR...]     (default: 3 runs of 10 s, every pair)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=3 seconds=10
while getopts n:t: flag; do
  case $flag in n) runs=$OPTARG ;; t) seconds=$OPTARG ;; *) sed -n '2,7p' "$0"; exit 2 ;; esac
done
shift $((OPTIND - 1))
pairs=("$@")
[ ${#pairs[@]} -gt 0 ] || pairs=(a16 a1k b c:c d e-groups:e f)

if ! command -v rabbitmq-server > /dev/null || ! pkg-config --exists librabbitmq 2>/dev/null; then
  apt-get install -y -q rabbitmq-server librabbitmq-dev build-essential pkg-config > /dev/null
fi
(cd "$root" && swift build -c release --product warren 2>&1 | tail -1)
bin=$(cd "$root" && swift build -c release --show-bin-path)/warren

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data=$(mktemp -d -t warren-bench-XXXXXX)
out=$(mktemp -d -t warren-compare-XXXXXX)
"$bin" serve --port "$port" --no-management --data-dir "$data" > "$out/warren.log" 2>&1 &
pid=$!
stop() { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap stop EXIT
for _ in $(seq 1 300); do
  python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $port)))" && break
  sleep 0.1
done

command="scripts/bench-compare.sh -n $runs -t $seconds ${pairs[*]}"
"$root/../shared/bench/compare.sh" -u "amqp://guest:guest@127.0.0.1:$port/%2f" -n "$runs" -t "$seconds" \
  -o "$out" "${pairs[@]}" | tee "$out/compare.txt"

machine="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, \
$(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(uname -sr), Swift $(swift --version 2>&1 | sed -n 's/.*Swift version \([0-9.]*\).*/\1/p' | head -1), \
RabbitMQ $(dpkg-query -W -f '${Version}' rabbitmq-server 2>/dev/null)"
python3 - "$root/docs/benchmarks.md" "$out/compare.txt" "$command" "$machine" <<'PY'
import datetime, sys
path, table_file, command, machine = sys.argv[1:]
table = [line for line in open(table_file) if line.startswith("|")]
section = (
    "<!-- compare:begin (written by scripts/bench-compare.sh) -->\n"
    f"Run {datetime.date.today().isoformat()} with `{command}` on {machine}. Each pair alternates Warren and "
    "RabbitMQ run by run; the ratio is the median of the per-run ratios (Warren / RabbitMQ).\n\n"
    + "".join(table) + "<!-- compare:end -->\n")
text = open(path).read()
begin, end = "<!-- compare:begin", "<!-- compare:end -->\n"
if begin in text:
    head, rest = text.split(begin, 1)
    text = head + section + rest.split(end, 1)[1]
else:
    text = text.rstrip() + "\n\n## Side by side with RabbitMQ (`compare.sh`)\n\n" + section
open(path, "w").write(text)
PY
echo "docs/benchmarks.md updated; raw results in $out"
