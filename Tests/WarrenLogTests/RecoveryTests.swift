// RecoveryTests.swift: opening after crashes, torn and corrupt data, lost indexes.

import NIOCore
import Testing
@testable import WarrenLog

@Suite struct RecoveryTests {
    /// Appends garbage that looks like the start of a batch to the active segment, as a write
    /// cut short by a crash leaves it.
    private func tearTail(_ harness: LogHarness, segment: String, keep: Int = 30) throws {
        var bytes = try harness.bytes(segment)
        var batch = ByteBuffer()
        RecordBatchV2.encode([makeRecord(999, size: 200)], baseOffset: 0, leaderEpoch: 0, into: &batch)
        bytes += Array(batch.readableBytesView.prefix(keep))
        try harness.write(segment, bytes)
    }

    @Test(arguments: Storage.allCases)
    func tornTailIsCutAfterACrash(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open()
        try appendRecords(log, 0, count: 10)
        #expect(log.waitUntilDurable(9, timeout: .seconds(10)) != nil)
        // No close: the process "died". Then a torn batch appears at the end.
        try tearTail(harness, segment: "00000000000000000000.log", keep: 100)
        let reopened = try harness.open()
        defer { try? reopened.close() }
        #expect(reopened.logEndOffset == 10)
        #expect(reopened.highWatermark == 10)
        #expect(try readAll(reopened).map(\.record) == (0..<10).map { makeRecord($0, timestamp: 1_700_000_000_000 + Int64($0)) })
        #expect(try reopened.append([makeRecord(10)]).baseOffset == 10)
    }

    /// A whole batch whose CRC is right but whose offsets do not follow the last one (a stale
    /// write, a bad copy) is not taken as log data: recovery cuts the tail there.
    @Test(arguments: Storage.allCases, [UInt64(3), 100, 0])
    func aValidBatchWithOffsetsOutOfOrderEndsTheRecoveredLog(storage: Storage, baseOffset: UInt64) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open()
        try appendRecords(log, 0, count: 5)
        #expect(log.waitUntilDurable(4, timeout: .seconds(10)) != nil)
        let sizeBefore = try harness.bytes("00000000000000000000.log").count
        // No close: the process "died"; then a well-formed batch claiming the wrong offsets
        // (3 overlaps, 100 skips, 0 goes back) sits after the last real one.
        var batch = ByteBuffer()
        RecordBatchV2.encode([makeRecord(5), makeRecord(6)], baseOffset: Int64(baseOffset), leaderEpoch: 0, into: &batch)
        try harness.write("00000000000000000000.log", try harness.bytes("00000000000000000000.log") + Array(batch.readableBytesView))
        let reopened = try harness.open()
        defer { try? reopened.close() }
        #expect(reopened.logEndOffset == 5)
        #expect(try harness.bytes("00000000000000000000.log").count == sizeBefore)
        #expect(try reopened.append([makeRecord(5)]).baseOffset == 5)
    }

    @Test(arguments: Storage.allCases)
    func corruptTailBatchIsCutAfterACrash(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open()
        try appendRecords(log, 0, count: 5)
        let sizeBefore = try harness.bytes("00000000000000000000.log").count
        try appendRecords(log, 5, count: 1, size: 500)
        _ = log.waitUntilDurable(5, timeout: .seconds(10))
        var bytes = try harness.bytes("00000000000000000000.log")
        bytes[sizeBefore + 300] ^= 0x04
        try harness.write("00000000000000000000.log", bytes)
        let reopened = try harness.open()
        defer { try? reopened.close() }
        #expect(reopened.logEndOffset == 5)
        #expect(try harness.bytes("00000000000000000000.log").count == sizeBefore)
    }

    @Test(arguments: Storage.allCases)
    func corruptionInAClosedSegmentIsATypedErrorOnRead(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open { $0.segmentBytes = 2000; $0.indexIntervalBytes = 300; $0.tailCacheBytes = 0 }
        try appendRecords(log, 0, count: 40, size: 100)
        try log.close()
        var bytes = try harness.bytes("00000000000000000000.log")
        bytes[500] ^= 0x01
        try harness.write("00000000000000000000.log", bytes)
        let reopened = try harness.open { $0.segmentBytes = 2000; $0.indexIntervalBytes = 300; $0.tailCacheBytes = 0 }
        defer { try? reopened.close() }
        #expect(reopened.logEndOffset == 40)
        #expect {
            try reopened.read(from: 0, maxBytes: 1 << 20)
        } throws: { error in
            if case LogError.crcMismatch = error { return true }
            if case LogError.malformedBatch = error { return true }
            return false
        }
        // Later segments still read.
        #expect(try reopened.readRecords(from: 39, maxBytes: 1000).map(\.offset) == [39])
    }

    @Test(arguments: Storage.allCases)
    func missingAndDamagedIndexesAreRebuilt(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let configure: (inout PartitionLog.Configuration) -> Void = {
            $0.segmentBytes = 3000
            $0.indexIntervalBytes = 250
            $0.tailCacheBytes = 0
        }
        let log = try harness.open(configure)
        try appendRecords(log, 0, count: 60, size: 100)
        try log.close()
        let index = try harness.bytes("00000000000000000000.index")
        let timeIndex = try harness.bytes("00000000000000000000.timeindex")
        #expect(index.count > 8)
        try harness.fileSystem.removeFile(harness.path("00000000000000000000.index"))
        try harness.write("00000000000000000000.timeindex", Array(timeIndex.dropLast(5)))
        var reopened = try harness.open(configure)
        #expect(try readAll(reopened).count == 60)
        #expect(try reopened.offset(forTimestamp: 1_700_000_000_007) == 7)
        try reopened.close()
        #expect(try harness.bytes("00000000000000000000.index") == index)
        #expect(try harness.bytes("00000000000000000000.timeindex") == timeIndex)
        // Entries out of order are damage too.
        try harness.write("00000000000000000000.index", Array(index[8..<16] + index[0..<8] + index[16...]))
        reopened = try harness.open(configure)
        defer { try? reopened.close() }
        #expect(try readAll(reopened).map(\.offset) == Array(0..<60))
    }

    /// The active segment's index entries are written to its files in groups: check the files
    /// are complete once a segment rolls and once the log closes, and that a crash (entries
    /// still in memory lost) recovers every record by rebuilding the active segment's indexes.
    @Test(arguments: Storage.allCases)
    func indexEntriesReachTheirFilesOnRollCloseAndAfterACrash(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        // Every batch gets an index entry; 100 entries fill a segment (not a multiple of 64).
        let segmentBytes = (0..<100).reduce(0) { $0 + RecordBatchV2.encodedSize(of: [makeRecord($1, size: 100)]) }
        let configure: (inout PartitionLog.Configuration) -> Void = {
            $0.segmentBytes = segmentBytes
            $0.indexIntervalBytes = 1
            $0.tailCacheBytes = 0
        }
        var log = try harness.open(configure)
        try appendRecords(log, 0, count: 170, size: 100)
        #expect(log.segmentCount == 2)
        // Rolled: the first segment's files hold all of its 100 entries.
        #expect(try harness.bytes("00000000000000000000.index").count == 100 * 8)
        #expect(try harness.bytes("00000000000000000000.timeindex").count == 100 * 12)
        // Active: 70 entries, 64 written so far.
        #expect(try harness.bytes("00000000000000000100.index").count == 64 * 8)
        try log.close()
        #expect(try harness.bytes("00000000000000000100.index").count == 70 * 8)
        #expect(try harness.bytes("00000000000000000100.timeindex").count == 70 * 12)
        log = try harness.open(configure)
        #expect(try readAll(log, from: 150).map(\.offset) == Array(150..<170))
        #expect(try log.offset(forTimestamp: 1_700_000_000_133) == 133)
        // A crash with entries unwritten: the active segment's indexes are rebuilt.
        try appendRecords(log, 170, count: 20, size: 100)
        #expect(log.waitUntilDurable(189, timeout: .seconds(10)) != nil)
        #expect(try harness.bytes("00000000000000000100.index").count < 90 * 8)
        harness.memory?.crash { $0 }
        let reopened = try harness.open(configure)
        defer { try? reopened.close() }
        #expect(reopened.logEndOffset == 190)
        #expect(try readAll(reopened).map(\.offset) == Array(0..<190))
        #expect(try reopened.offset(forTimestamp: 1_700_000_000_185) == 185)
        #expect(try harness.bytes("00000000000000000100.index").count == 90 * 8)
        _ = log
    }

    @Test func cleanOpenReadsOnlySegmentTails() throws {
        let harness = LogHarness(.memory)
        let log = try harness.open { $0.segmentBytes = 20_000 }
        try appendRecords(log, 0, count: 2000, size: 100)
        let total = Int(log.sizeBytes)
        #expect(log.segmentCount > 10)
        try log.close()
        let before = harness.memory!.bytesRead
        let reopened = try harness.open { $0.segmentBytes = 20_000 }
        defer { try? reopened.close() }
        let read = harness.memory!.bytesRead - before
        #expect(read < total / 3, "opening read \(read) of \(total) bytes")
        #expect(reopened.logEndOffset == 2000)
    }

    @Test func tornWriteFailsTheLogAndReopenRecovers() throws {
        let harness = LogHarness(.memory)
        let log = try harness.open()
        try appendRecords(log, 0, count: 3)
        #expect(log.waitUntilDurable(2, timeout: .seconds(10)) != nil)
        harness.memory!.setFaults { $0.tornWriteBytes = 20 }
        #expect(throws: LogError.self) { try log.append([makeRecord(3)]) }
        #expect(throws: LogError.self) { try log.append([makeRecord(4)]) }
        harness.memory!.crash { $0 }
        let reopened = try harness.open()
        defer { try? reopened.close() }
        #expect(reopened.logEndOffset == 3)
        #expect(try readAll(reopened).count == 3)
    }

    @Test(arguments: [0, 1, 17, 61, 200, 100_000])
    func powerCutKeepsEveryDurableRecord(keepUnsynced: Int) throws {
        let harness = LogHarness(.memory)
        let log = try harness.open { $0.segmentBytes = 4000 }
        try appendRecords(log, 0, count: 50, size: 100)
        #expect(log.waitUntilDurable(49, timeout: .seconds(10)) != nil)
        let durable = log.highWatermark
        log.setDurabilityListener(nil)
        harness.memory!.setFaults { $0.failSync = true }
        _ = try? appendRecords(log, 50, count: 20, size: 100)
        harness.memory!.setFaults { $0.failSync = false }
        harness.memory!.crash { min($0, keepUnsynced) }
        let reopened = try harness.open { $0.segmentBytes = 4000 }
        defer { try? reopened.close() }
        #expect(reopened.logEndOffset >= durable)
        let records = try readAll(reopened)
        #expect(records.map(\.offset) == Array(0..<reopened.logEndOffset))
        for record in records {
            let n = Int(record.offset)
            #expect(record.record == makeRecord(n, size: 100, timestamp: 1_700_000_000_000 + Int64(n)))
        }
    }

    @Test func shortReadsAreRetried() throws {
        let harness = LogHarness(.memory)
        let log = try harness.open { $0.tailCacheBytes = 0; $0.segmentBytes = 5000 }
        try appendRecords(log, 0, count: 100, size: 100)
        try log.close()
        harness.memory!.setFaults { $0.shortReads = true }
        let reopened = try harness.open { $0.tailCacheBytes = 0; $0.segmentBytes = 5000 }
        defer { try? reopened.close() }
        #expect(try readAll(reopened).map(\.offset) == Array(0..<100))
    }
}
