#!/usr/bin/env bash
# log-bench-allocations.sh: allocations per appended batch, for several records per batch.
# Builds an LD_PRELOAD malloc counter (scripts/support/malloc-counter.c) and runs
# `warren-log-tool bench-alloc` under it (release build).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product warren-log-tool >/dev/null
tool="$(swift build -c release --show-bin-path)/warren-log-tool"
shim="$(mktemp -d)/malloc-counter.so"
cc -O2 -shared -fPIC -o "$shim" scripts/support/malloc-counter.c
LD_PRELOAD="$shim" "$tool" bench-alloc --directory "${TMPDIR:-/tmp}/warren-bench-alloc" "$@"
