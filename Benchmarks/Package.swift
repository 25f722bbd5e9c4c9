// swift-tools-version:6.1
// package-benchmark suites for the hot paths (codec, routing, log append, publish to delivery),
// with allocation thresholds that fail when they regress (scripts/benchmarks.sh checks them in
// scripts/test). Kept out of the main package, as swift-nio keeps its Benchmarks/, so the
// broker's own build carries no benchmark dependencies.
import PackageDescription

let package = Package(
    name: "warren-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "warren", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "WarrenBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "AMQPProtocol", package: "warren"),
                .product(name: "WarrenLog", package: "warren"),
                .product(name: "WarrenBroker", package: "warren"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/WarrenBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
