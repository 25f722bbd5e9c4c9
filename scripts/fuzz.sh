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
    -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,trace-pc-guard
    -Xlinker "$fuzzer_lib" -Xlinker -lstdc++)
swift build "${flags[@]}" 2>&1 | tail -3
bin=$(swift build "${flags[@]}" --show-bin-path)/FuzzFrameDecoder
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp corpus/* "$work"/ 2>/dev/null || true
"$bin" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$root/Fuzz/" "$work" 2>&1 | tee "$work/../fuzz-$$.log" | grep -E "^(#[0-9]+.*(DONE|pulse)|stat::|==|SUMMARY|Done)" || true
grep -q "ERROR: libFuzzer\|SUMMARY: AddressSanitizer" "$work/../fuzz-$$.log" && { echo "fuzz: crash found, input saved under Fuzz/"; exit 1; }
echo "fuzz: no crash in ${seconds}s"
