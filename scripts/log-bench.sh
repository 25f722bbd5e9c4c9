#!/usr/bin/env bash
# log-bench.sh [scratch-dir]: every WarrenLog benchmark in docs/benchmarks.md, in one run
# (release build). Needs root for the cold-cache passes (writes /proc/sys/vm/drop_caches);
# the tools print whether the page cache was dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${1:-/tmp/warren-log-bench}"
swift build -c release --product warren-log-tool >/dev/null
tool="$(swift build -c release --show-bin-path)/warren-log-tool"
run() { echo "\$ $*"; "$@"; echo; }
run "$tool" bench-crc
run "$tool" bench-append --directory "$scratch/append" --appenders 8 --record-bytes 1024 --batch-records 64 --window 8 --seconds 5 --rounds 3
run "$tool" bench-append --directory "$scratch/append" --appenders 8 --record-bytes 1024 --batch-records 16 --window 8 --seconds 5 --rounds 3
run "$tool" bench-read --directory "$scratch/read" --bytes $((1 << 30)) --rounds 5
run "$tool" bench-open --directory "$scratch/open" --bytes $((10 << 30)) --segment-bytes $((10 << 20))
echo "\$ scripts/log-bench-allocations.sh"
scripts/log-bench-allocations.sh
rm -rf "$scratch"
