// swift-tools-version:6.1
// libFuzzer target for the AMQP frame decoder. Built by scripts/fuzz.sh with address sanitizer
// and libFuzzer's coverage instrumentation, linked against libFuzzer's no-main runtime (SwiftPM
// owns `main` in executables, so main.swift hands control to LLVMFuzzerRunDriver). Kept out of
// the main package so normal builds stay uninstrumented.
import PackageDescription

let package = Package(
    name: "warren-fuzz",
    dependencies: [.package(name: "warren", path: "..")],
    targets: [
        .executableTarget(
            name: "FuzzFrameDecoder",
            dependencies: [.product(name: "AMQPProtocol", package: "warren")]
        ),
    ]
)
