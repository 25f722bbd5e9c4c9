// WarrenBenchmarks.swift: the suites of `swift package benchmark` (run by scripts/benchmarks.sh).
//
// Every benchmark counts allocations (`mallocCountTotal`); the stored thresholds in
// Benchmarks/Thresholds fail the check when a hot path allocates more than it did. Wall-clock
// time is reported, not checked: this machine is shared, and time is compared against
// RabbitMQ side by side instead (scripts/bench-compare.sh).
import Benchmark

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000,
        // Allocations may not grow past the stored p90 by more than 2% (and 2 allocations, so
        // a benchmark of a few allocations is not failed by the counter's own noise).
        thresholds: [.mallocCountTotal: BenchmarkThresholds(relative: [.p90: 2.0], absolute: [.p90: 2])]
    )
    codecBenchmarks()
    routingBenchmarks()
    logBenchmarks()
    brokerBenchmarks()
}
