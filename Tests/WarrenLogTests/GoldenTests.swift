// GoldenTests.swift: format golden files. A change to the batch, segment or index encoding that
// would make old data unreadable (or differently written) fails here. Regenerate only for a
// deliberate, versioned format change: WARREN_REGENERATE_GOLDEN=1 swift test --filter Golden

import Foundation
import NIOCore
import SystemPackage
import Testing
@testable import WarrenLog

@Suite struct GoldenTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden").path
    static let files = ["00000000000000000000.log", "00000000000000000000.index", "00000000000000000000.timeindex"]

    /// Twelve batches covering null and empty keys, headers (repeated names, empty values),
    /// negative timestamp deltas and multi-record batches.
    static func goldenBatches() -> [[LogRecord]] {
        (0..<12).map { n in
            (0...(n % 3)).map { i in
                LogRecord(
                    key: n % 4 == 0 ? nil : ByteBuffer(string: "key-\(n)-\(i)"),
                    value: ByteBuffer(string: String(repeating: "v\(n)", count: 5 + i)),
                    headers: n % 2 == 0
                        ? [] : [.init(name: "x-routing-key", value: ByteBuffer(string: "orders.\(n)")),
                                .init(name: "x-routing-key", value: ByteBuffer())],
                    timestamp: 1_700_000_000_000 + Int64(n * 1000) - Int64(i * 7))
            }
        }
    }

    static func writeGoldenLog() throws -> InMemoryFileSystem {
        let fileSystem = InMemoryFileSystem()
        var configuration = PartitionLog.Configuration()
        configuration.indexIntervalBytes = 200
        let log = try PartitionLog.open(
            directory: "/golden", configuration: configuration, fileSystem: fileSystem, clock: ManualLogClock())
        log.leaderEpoch = 3
        for batch in goldenBatches() { try log.append(batch) }
        try log.close()
        return fileSystem
    }

    @Test func writingTheGoldenRecordsGivesTheGoldenBytes() throws {
        let written = try Self.writeGoldenLog()
        if ProcessInfo.processInfo.environment["WARREN_REGENERATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(atPath: Self.goldenDirectory, withIntermediateDirectories: true)
            for name in Self.files {
                try Data(written.contents(FilePath("/golden/\(name)"))!).write(to: URL(fileURLWithPath: "\(Self.goldenDirectory)/\(name)"))
            }
        }
        for name in Self.files {
            let golden = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(Self.goldenDirectory)/\(name)")))
            #expect(written.contents(FilePath("/golden/\(name)")) == golden, "\(name) differs from its golden file")
        }
    }

    @Test(arguments: [true, false])
    func theGoldenLogReadsBack(cleanShutdown: Bool) throws {
        let fileSystem = InMemoryFileSystem()
        for name in Self.files {
            let golden = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(Self.goldenDirectory)/\(name)")))
            fileSystem.setContents(FilePath("/golden/\(name)"), golden)
        }
        if cleanShutdown { fileSystem.setContents("/golden/.clean-shutdown", []) }
        var configuration = PartitionLog.Configuration()
        configuration.indexIntervalBytes = 200
        let log = try PartitionLog.open(
            directory: "/golden", configuration: configuration, fileSystem: fileSystem, clock: ManualLogClock())
        defer { try? log.close() }
        let expected = Self.goldenBatches().flatMap { $0 }
        #expect(log.logEndOffset == Int64(expected.count))
        let records = try log.readRecords(from: 0, maxBytes: 1 << 20)
        #expect(records.map(\.record) == expected)
        #expect(records.map(\.offset) == Array(0..<Int64(expected.count)))
        #expect(try log.read(from: 0, maxBytes: 1 << 20).allSatisfy { $0.header.partitionLeaderEpoch == 3 })
        #expect(try log.offset(forTimestamp: 1_700_000_005_000) != nil)
    }

    @Test func firstBatchBytesAreKafkaRecordBatchV2() throws {
        let golden = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(Self.goldenDirectory)/\(Self.files[0])")))
        // baseOffset 0, batchLength, leader epoch 3, magic 2, then the CRC over the rest.
        #expect(Array(golden[0..<8]) == [0, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(golden[12..<17]) == [0, 0, 0, 3, 2])
        let length = Int(golden[8]) << 24 | Int(golden[9]) << 16 | Int(golden[10]) << 8 | Int(golden[11])
        let crc = UInt32(golden[17]) << 24 | UInt32(golden[18]) << 16 | UInt32(golden[19]) << 8 | UInt32(golden[20])
        #expect(CRC32C.checksum(Array(golden[21..<(12 + length)])) == crc)
        // producerId -1, producerEpoch -1, baseSequence -1, one record.
        #expect(Array(golden[43..<61]) == [UInt8](repeating: 0xFF, count: 14) + [0, 0, 0, 1])
    }
}
