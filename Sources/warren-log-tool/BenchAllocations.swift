// BenchAllocations.swift: allocations per appended batch, counted by the LD_PRELOAD shim in
// scripts/support/malloc-counter.c (run through scripts/log-bench-allocations.sh).

import ArgumentParser
import Foundation
import NIOCore
import SystemPackage
import WarrenLog

struct BenchAllocations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-alloc", abstract: "Allocations per append for 1, 16, 256 records per batch.")

    @Option(help: "Scratch directory (emptied).") var directory: String
    @Option(help: "Appends measured per size.") var appends = 2000
    @Option(help: "Bytes per record value.") var recordBytes = 1024

    func run() throws {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "warren_malloc_count") else {
            print("malloc counter not loaded: run scripts/log-bench-allocations.sh")
            throw ExitCode(2)
        }
        let count = unsafeBitCast(symbol, to: (@convention(c) () -> Int).self)
        for recordsPerBatch in [1, 16, 256] {
            for durability in [DurabilityPolicy.always, .never] {
                removeTree(directory)
                var configuration = PartitionLog.Configuration()
                configuration.durability = durability
                configuration.segmentBytes = 1 << 30
                let log = try PartitionLog.open(directory: FilePath(directory), configuration: configuration)
                let value = ByteBuffer(repeating: 7, count: recordBytes)
                let records = (0..<recordsPerBatch).map {
                    LogRecord(key: ByteBuffer(string: "k"), value: value,
                              headers: [.init(name: "x-routing-key", value: ByteBuffer(string: "rk"))],
                              timestamp: 1_700_000_000_000 + Int64($0))
                }
                for _ in 0..<200 { try log.append(records) }  // Warm up: caches, deques, indexes.
                let before = count()
                for _ in 0..<appends { try log.append(records) }
                let allocations = count() - before
                _ = log.waitUntilDurable(log.logEndOffset - 1, timeout: .seconds(30))
                try log.close()
                print(String(format: "%@ %3d records/batch: %.2f allocations per append (%d over %d appends, all threads)",
                             "\(durability)".padding(toLength: 6, withPad: " ", startingAt: 0),
                             recordsPerBatch, Double(allocations) / Double(appends), allocations, appends))
            }
        }
        removeTree(directory)
    }
}
