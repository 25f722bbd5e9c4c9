#!/usr/bin/env bash
# broker-bench.sh: the broker-core benchmarks (no sockets), with allocations counted.
#   scripts/broker-bench.sh                       expiry at the head, dropped and dead-lettered
#   scripts/broker-bench.sh bench-expiry ARGS...  one benchmark with its own arguments
# Release build; results and their commands go in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product warren-broker-bench >/dev/null
tool="$(swift build -c release --show-bin-path)/warren-broker-bench"
shim="$(mktemp -d)/malloc-counter.so"
cc -O2 -shared -fPIC -o "$shim" scripts/support/malloc-counter.c
if [ $# -gt 0 ]; then
    LD_PRELOAD="$shim" "$tool" "$@"
    exit
fi
echo "== bench-expiry (expired messages dropped)"
LD_PRELOAD="$shim" "$tool" bench-expiry --expired 10000,100000 --live 0,100000,1000000
echo "== bench-expiry --dead-letter (expired messages dead-lettered to another queue)"
LD_PRELOAD="$shim" "$tool" bench-expiry --dead-letter --expired 10000,100000 --live 0,1000000
