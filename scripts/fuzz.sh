#!/usr/bin/env bash
# Runs the libFuzzer target for the AMQP frame decoder for N seconds (default 60).
#   scripts/fuzz.sh [SECONDS]
# Builds Fuzz/ with address sanitizer and libFuzzer coverage into Fuzz/.build-fuzz, seeds the corpus with
# Fuzz/corpus (committed, includes every crash ever found), and exits non-zero on a crash.
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/Fuzz"
fuzzer_lib=$(find "$(dirname "$(command -v swiftc)")/../lib" -name 'libclang_rt.fuzzer_no_main-x86_64.a' | head -1)
flags=(-c release --scratch-path .build-fuzz
    -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp
    -Xlinker "$fuzzer_lib" -Xlinker -lstdc++)
swift build "${flags[@]}" 2>&1 | tail -3
bin=$(swift build "${flags[@]}" --show-bin-path)/FuzzFrameDecoder
work=$(mktemp -d)
log="$work.log"
trap 'rm -rf "$work" "$log"' EXIT
cp corpus/* "$work"/ 2>/dev/null || true
set +e
# The Swift runtime's own crash handler would hide AddressSanitizer's report.
SWIFT_BACKTRACE=enable=no "$bin" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$root/Fuzz/crash-" "$work" > "$log" 2>&1
status=$?
set -e
grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done )|ERROR|SUMMARY" "$log" || true
if [ $status -ne 0 ] || grep -q "ERROR: libFuzzer\|SUMMARY: AddressSanitizer\|no longer supported" "$log"; then
    tail -30 "$log"
    echo "fuzz: FAILED (exit $status); a crashing input is saved as Fuzz/crash-*"
    exit 1
fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
[ -n "$runs" ] && [ "$runs" -gt 0 ] || { tail -20 "$log"; echo "fuzz: FAILED, no executions"; exit 1; }
echo "fuzz: $runs executions in ${seconds}s, no crash"
