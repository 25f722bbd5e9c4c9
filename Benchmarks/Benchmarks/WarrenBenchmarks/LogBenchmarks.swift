// LogBenchmarks.swift: appending record batches to a partition log (no fsync: the page cache).
import Benchmark
import Foundation
import NIOCore
import SystemPackage
import WarrenLog

func logBenchmarks() {
    Benchmark("Log_append:_batch_of_100_records_of_1KiB", configuration: .init(scalingFactor: .one)) { benchmark in
        let directory = NSTemporaryDirectory() + "warren-benchmark-log-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = PartitionLog.Configuration()
        configuration.durability = .never
        let log = try PartitionLog.open(directory: FilePath(directory), configuration: configuration)
        defer { try? log.close() }
        let value = ByteBuffer(repeating: 7, count: 1024)
        let records = (0..<100).map { _ in
            LogRecord(key: ByteBuffer(string: "work"), value: value,
                      headers: [.init(name: "x", value: ByteBuffer(string: "amq.direct"))], timestamp: 1_700_000_000_000)
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try log.append(records))
        }
    }
}
