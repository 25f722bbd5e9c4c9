// LogBenchmarks.swift: appending record batches to a partition log (no fsync: the page cache),
// and reading records back in place from its segment file.
import Benchmark
import Foundation
import NIOCore
import SystemPackage
import WarrenLog

/// A fresh log in a temporary directory (page cache only, no fsync), removed after `body`.
private func withLog(_ body: (PartitionLog) throws -> Void) throws {
    let directory = NSTemporaryDirectory() + "warren-benchmark-log-\(UInt64.random(in: 0...UInt64.max))"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var configuration = PartitionLog.Configuration()
    configuration.durability = .never
    let log = try PartitionLog.open(directory: FilePath(directory), configuration: configuration)
    defer { try? log.close() }
    try body(log)
}

/// 100 records of 1 KiB with `headers`.
private func records(headers: [LogRecord.Header]) -> [LogRecord] {
    let value = ByteBuffer(repeating: 7, count: 1024)
    return (0..<100).map { _ in
        LogRecord(key: ByteBuffer(string: "work"), value: value, headers: headers, timestamp: 1_700_000_000_000)
    }
}

func logBenchmarks() {
    Benchmark("Log_append:_batch_of_100_records_of_1KiB", configuration: .init(scalingFactor: .one)) { benchmark in
        try withLog { log in
            let batch = records(headers: [.init(name: "x", value: ByteBuffer(string: "amq.direct"))])
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try log.append(batch))
            }
        }
    }

    // A consumer far behind the tail: its reads come from the segment file, not the tail cache.
    Benchmark("Log_read:_256_records_of_1KiB_from_the_segment,_in_place", configuration: .init(scalingFactor: .one)) { benchmark in
        try withLog { log in
            let batch = records(headers: [.init(name: "x", value: ByteBuffer(string: "amq.direct")),
                                          .init(name: "p", value: ByteBuffer(bytes: [0x10, 0, 2]))])
            for _ in 0..<200 { _ = try log.append(batch) }
            var bytes = 0
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                try log.forEachRecord(from: 0, maxBytes: 256 << 10, maxRecords: 256) { record in
                    for header in record.headers { bytes &+= header.value.readableBytes }
                    bytes &+= record.value.readableBytes
                }
            }
            benchmark.stopMeasurement()
            blackHole(bytes)
        }
    }
}
