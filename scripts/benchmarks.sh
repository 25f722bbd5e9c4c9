#!/usr/bin/env bash
# benchmarks.sh: the package-benchmark suites of Benchmarks/ (codec, routing, log append,
# publish to delivery), checked against the allocation thresholds stored in
# Benchmarks/Thresholds. Fails when a benchmark allocates more than its threshold allows
# (see the tolerance in Benchmarks/Benchmarks/WarrenBenchmarks/WarrenBenchmarks.swift).
#
#   scripts/benchmarks.sh           run and check (what scripts/test does)
#   scripts/benchmarks.sh update    run and store the new counts as the thresholds
#   scripts/benchmarks.sh run       run and print every metric (time too), no check
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
thresholds="$PWD/Thresholds"
case "${1:-check}" in
  run) swift package benchmark --no-progress ;;
  update)
    swift package --allow-writing-to-package-directory benchmark thresholds update --path "$thresholds" --no-progress
    # Only allocations are thresholds: time on a shared machine is compared side by side instead.
    python3 - "$thresholds" <<'PY'
import glob, json, sys
for path in glob.glob(f"{sys.argv[1]}/*.p90.json"):
    counts = {"mallocCountTotal": json.load(open(path))["mallocCountTotal"]}
    with open(path, "w") as out:
        json.dump(counts, out, indent=2, sort_keys=True)
        out.write("\n")
PY
    ;;
  check)
    set +e
    log=$(mktemp)
    swift package benchmark thresholds check --path "$thresholds" --no-progress 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    # package-benchmark: 0 equal, 2 regression, 4 only improvements; run as a package plugin
    # under Swift 6.3 an improvement exits 1 with "error: benchmarkThresholdImprovement".
    if [ "$status" -ne 0 ] && grep -q "benchmarkThresholdImprovement" "$log" \
        && ! grep -q "benchmarkThresholdRegression" "$log"; then
      status=4
    fi
    rm -f "$log"
    if [ "$status" -eq 4 ]; then
      echo "benchmarks: allocations went down; store them with scripts/benchmarks.sh update"
      status=0
    fi
    exit "$status"
    ;;
  *) sed -n '2,10p' "$0"; exit 2 ;;
esac
