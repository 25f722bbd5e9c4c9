// PartitionLogTests.swift: the partition log API, run on every storage variant.

import NIOCore
import Testing
@testable import WarrenLog

@Suite struct PartitionLogTests {
    @Test(arguments: Storage.allCases)
    func appendAssignsOffsetsAndReadsBack(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open()
        defer { try? log.close() }
        let first = try log.append([makeRecord(0), makeRecord(1), makeRecord(2)])
        #expect(first == .init(baseOffset: 0, lastOffset: 2))
        let second = try log.append([makeRecord(3)])
        #expect(second == .init(baseOffset: 3, lastOffset: 3))
        #expect(log.logEndOffset == 4)
        let records = try readAll(log)
        #expect(records.map(\.offset) == [0, 1, 2, 3])
        #expect(records.map(\.record) == (0..<4).map { makeRecord($0) })
        // From the middle of a batch: only the records at and after the offset.
        #expect(try log.readRecords(from: 1, maxBytes: 1 << 20).map(\.offset) == [1, 2, 3])
        #expect(try log.readRecords(from: 4, maxBytes: 1 << 20).isEmpty)
    }

    @Test(arguments: Storage.allCases)
    func readsAreBoundedByBytesAndCount(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open { $0.tailCacheBytes = 0 }
        defer { try? log.close() }
        try appendRecords(log, 0, count: 20, size: 100)
        let batchBytes = try log.read(from: 0, maxBytes: 1)[0].header.totalBytes
        // The first batch always comes back, even above maxBytes.
        #expect(try log.read(from: 0, maxBytes: 1).count == 1)
        #expect(try log.read(from: 0, maxBytes: batchBytes * 3).count == 3)
        #expect(try log.read(from: 0, maxBytes: batchBytes * 3 + batchBytes / 2).count == 3)
        #expect(try log.read(from: 5, maxBytes: 1 << 20, maxRecords: 4).map(\.baseOffset) == [5, 6, 7, 8])
        #expect(try log.readRecords(from: 18, maxBytes: 1 << 20).map(\.offset) == [18, 19])
    }

    @Test(arguments: Storage.allCases)
    func largeBatchesReadFromDisk(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open { $0.tailCacheBytes = 0 }
        defer { try? log.close() }
        try appendRecords(log, 0, count: 3, size: 300_000)
        try log.append((3..<40).map { makeRecord($0, size: 5000) })
        #expect(try log.read(from: 0, maxBytes: 1).count == 1)
        #expect(try readAll(log).map(\.offset) == Array(0..<40))
        #expect(try log.readRecords(from: 2, maxBytes: 1).map(\.offset) == [2])
    }

    @Test(arguments: Storage.allCases)
    func batchesStayValidAcrossLaterReads(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open { $0.tailCacheBytes = 0 }
        defer { try? log.close() }
        try appendRecords(log, 0, count: 60, size: 500)
        // The log reuses its read buffer; batches a caller still holds must not change.
        var held: [RecordBatch] = []
        var next: Int64 = 0
        while next < 60 {
            let batches = try log.read(from: next, maxBytes: 3000)
            held += batches
            next = batches.last!.lastOffset + 1
        }
        let records = try held.flatMap { try $0.records() }
        #expect(records.map(\.record) == (0..<60).map { makeRecord($0, size: 500, timestamp: 1_700_000_000_000 + Int64($0)) })
    }

    @Test(arguments: Storage.allCases)
    func outOfRangeReadsThrow(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open()
        defer { try? log.close() }
        try appendRecords(log, 0, count: 3)
        #expect(throws: LogError.offsetOutOfRange(requested: 4, logStart: 0, logEnd: 3)) {
            try log.read(from: 4, maxBytes: 100)
        }
        #expect(throws: LogError.emptyAppend) { try log.append([]) }
        let huge = LogRecord(value: ByteBuffer(repeating: 1, count: LogLimits.batchBytesMax), timestamp: 0)
        #expect(throws: LogError.self) { try log.append([huge]) }
    }

    @Test(arguments: Storage.allCases)
    func rollsBySizeAndReadsAcrossSegments(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open {
            $0.segmentBytes = 2000
            $0.indexIntervalBytes = 300
            $0.tailCacheBytes = 0
            $0.openSegmentFilesMax = 2
        }
        try appendRecords(log, 0, count: 100, size: 150)
        #expect(log.segmentCount > 5)
        #expect(try readAll(log).map(\.offset) == Array(0..<100))
        for start in [0, 13, 57, 99] {
            #expect(try log.readRecords(from: Int64(start), maxBytes: 1 << 20, maxRecords: 3).first?.offset == Int64(start))
        }
        try log.close()
        let reopened = try harness.open { $0.segmentBytes = 2000; $0.indexIntervalBytes = 300 }
        defer { try? reopened.close() }
        #expect(reopened.logEndOffset == 100)
        #expect(try readAll(reopened).map(\.record) == (0..<100).map { makeRecord($0, size: 150, timestamp: 1_700_000_000_000 + Int64($0)) })
        #expect(try reopened.append([makeRecord(100)]).baseOffset == 100)
    }

    /// Reading every segment keeps at most `openSegmentFilesMax` closed segments' files open.
    @Test(arguments: [2, 1_000])
    func readersHoldNoMoreSegmentFilesThanTheLimit(limit: Int) throws {
        let harness = LogHarness(.memory)
        let log = try harness.open {
            $0.segmentBytes = 2000
            $0.tailCacheBytes = 0
            $0.openSegmentFilesMax = limit
        }
        defer { try? log.close() }
        try appendRecords(log, 0, count: 200, size: 150)
        let segments = log.segmentCount
        #expect(segments > 10)
        try log.close()
        let reopened = try harness.open { $0.segmentBytes = 2000; $0.tailCacheBytes = 0; $0.openSegmentFilesMax = limit }
        defer { try? reopened.close() }
        let atOpen = harness.memory!.openFileCount
        #expect(try readAll(reopened).count == 200)
        let opened = harness.memory!.openFileCount - atOpen
        if limit == 2 {
            #expect(opened <= 2, "reading \(segments) segments left \(opened) more files open")
        } else {
            #expect(opened >= segments - 2, "without a tight limit every segment read stays open")
        }
    }

    /// Between appends a partition holds one file open, its active `.log`: the index files are
    /// opened for each group of entries written and let go (10,000 queues fit the descriptor
    /// limit).
    @Test func appendsLeaveOnlyTheActiveLogFileOpen() throws {
        let harness = LogHarness(.memory)
        let log = try harness.open { $0.indexIntervalBytes = 64; $0.tailCacheBytes = 0 }
        defer { try? log.close() }
        // 300 batches of about 200 bytes: an index entry each, several groups written.
        try appendRecords(log, 0, count: 300, size: 150)
        #expect(harness.memory!.openFileCount == 1)
        #expect(try harness.bytes("00000000000000000000.index").count >= 64 * 8)
    }

    /// Failing to open the index files (no descriptor free) does not fail appends: the entries
    /// wait in memory, and the close writes them once the files open again.
    @Test func anIndexThatCannotBeOpenedDoesNotFailAppends() throws {
        let harness = LogHarness(.memory)
        var log = try harness.open { $0.indexIntervalBytes = 64; $0.tailCacheBytes = 0 }
        harness.memory!.setFaults { $0.failOpeningSuffix = ".index" }
        try appendRecords(log, 0, count: 200, size: 150)
        #expect(log.logEndOffset == 200)
        #expect(log.storageFailure == nil)
        harness.memory!.setFaults { $0.failOpeningSuffix = nil }
        try log.close()
        #expect(try harness.bytes("00000000000000000000.index").count >= 64 * 8)
        log = try harness.open { $0.indexIntervalBytes = 64; $0.tailCacheBytes = 0 }
        defer { try? log.close() }
        #expect(try readAll(log).count == 200)
    }

    @Test(arguments: Storage.allCases)
    func rollsByAgeWithTheInjectedClock(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open { $0.segmentMaxAge = .seconds(60) }
        defer { try? log.close() }
        try appendRecords(log, 0, count: 3)
        #expect(log.segmentCount == 1)
        harness.clock.advance(by: .seconds(61))
        try appendRecords(log, 3, count: 1)
        #expect(log.segmentCount == 2)
        #expect(try readAll(log).count == 4)
    }

    @Test(arguments: Storage.allCases)
    func findsOffsetsByTimestamp(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open { $0.segmentBytes = 1500; $0.indexIntervalBytes = 200 }
        defer { try? log.close() }
        // Timestamps 1000, 1010, ..., with one record out of order at offset 30.
        for n in 0..<60 {
            let timestamp: Int64 = n == 30 ? 5000 : 1000 + Int64(n) * 10
            try log.append([makeRecord(n, size: 50, timestamp: timestamp)])
        }
        #expect(try log.offset(forTimestamp: 0) == 0)
        #expect(try log.offset(forTimestamp: 1000) == 0)
        #expect(try log.offset(forTimestamp: 1001) == 1)
        #expect(try log.offset(forTimestamp: 1200) == 20)
        #expect(try log.offset(forTimestamp: 1305) == 30)
        #expect(try log.offset(forTimestamp: 1590) == 30)
        #expect(try log.offset(forTimestamp: 5000) == 30)
        #expect(try log.offset(forTimestamp: 5001) == nil)
    }

    @Test(arguments: Storage.allCases)
    func truncateRemovesTheTail(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open { $0.segmentBytes = 1000 }
        try appendRecords(log, 0, count: 30, size: 100)
        try log.append([makeRecord(30), makeRecord(31), makeRecord(32)])
        #expect(try log.truncate(to: 31) == 30)  // Inside a batch: the whole batch goes.
        #expect(log.logEndOffset == 30)
        #expect(try log.truncate(to: 12) == 12)
        #expect(log.logEndOffset == 12)
        #expect(try readAll(log).map(\.offset) == Array(0..<12))
        #expect(try log.append([makeRecord(99)]).baseOffset == 12)
        #expect(try log.offset(forTimestamp: 1_700_000_000_011) == 11)
        #expect(try log.offset(forTimestamp: 1_700_000_000_012) == nil)
        try log.close()
        let reopened = try harness.open { $0.segmentBytes = 1000 }
        defer { try? reopened.close() }
        #expect(reopened.logEndOffset == 13)
        #expect(try readAll(reopened).last?.record == makeRecord(99))
    }

    @Test(arguments: Storage.allCases)
    func deleteSegmentsMovesTheLogStart(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open { $0.segmentBytes = 1000 }
        defer { try? log.close() }
        try appendRecords(log, 0, count: 40, size: 100)
        let segments = log.segmentCount
        #expect(try log.deleteSegments(before: 15) > 0)
        #expect(log.segmentCount < segments)
        #expect(log.logStartOffset <= 15 && log.logStartOffset > 0)
        #expect(throws: LogError.self) { try log.read(from: 0, maxBytes: 100) }
        #expect(try readAll(log).map(\.offset) == Array(log.logStartOffset..<40))
        // Never the active segment.
        try log.deleteSegments(before: .max)
        #expect(log.segmentCount == 1)
        #expect(log.logEndOffset == 40)
    }

    @Test(arguments: Storage.allCases)
    func segmentsDeletedInTheBackgroundAreGoneOnceTheLogCloses(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open {
            $0.segmentBytes = 1000
            $0.removesSegmentsInBackground = true
        }
        try appendRecords(log, 0, count: 40, size: 100)
        let before = Set(try harness.fileSystem.listDirectory(harness.directory).filter { $0.hasSuffix(".log") })
        #expect(try log.deleteSegments(before: 25) > 0)
        // The log's own view changes at once; the files go on the remover's thread.
        #expect(log.logStartOffset > 0 && log.logStartOffset <= 25)
        #expect(try readAll(log).map(\.offset) == Array(log.logStartOffset..<40))
        try log.close()
        let after = Set(try harness.fileSystem.listDirectory(harness.directory).filter { $0.hasSuffix(".log") })
        #expect(after.count == log.segmentCount && after.isSubset(of: before) && after.count < before.count)
        let reopened = try harness.open { $0.segmentBytes = 1000 }
        defer { try? reopened.close() }
        #expect(reopened.logStartOffset == log.logStartOffset && reopened.logEndOffset == 40)
    }

    @Test(arguments: Storage.allCases)
    func followerCopiesLeaderBatchesByteForByte(storage: Storage) throws {
        let leaderHarness = LogHarness(storage)
        let followerHarness = LogHarness(storage)
        defer { leaderHarness.cleanUp(); followerHarness.cleanUp() }
        let leader = try leaderHarness.open()
        let follower = try followerHarness.open()
        defer { try? leader.close(); try? follower.close() }
        leader.leaderEpoch = 5
        try leader.append([makeRecord(0), makeRecord(1)])
        try leader.append([makeRecord(2)])
        for batch in try leader.read(from: 0, maxBytes: 1 << 20) { try follower.append(batch: batch) }
        #expect(try follower.read(from: 0, maxBytes: 1 << 20).map(\.bytes) == leader.read(from: 0, maxBytes: 1 << 20).map(\.bytes))
        #expect(follower.logEndOffset == 3)
        let stale = try leader.read(from: 2, maxBytes: 1 << 20)[0]
        #expect(throws: LogError.self) { try follower.append(batch: stale) }
    }

    @Test(arguments: Storage.allCases)
    func farBehindReaderDoesNotEvictTheTail(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open { $0.tailCacheBytes = 2000 }
        defer { try? log.close() }
        try appendRecords(log, 0, count: 50, size: 100)
        let cachedBefore = log.tailCache.firstOffset
        #expect(cachedBefore != nil && cachedBefore! > 0)
        #expect(try readAll(log).count == 50)
        #expect(log.tailCache.firstOffset == cachedBefore)
        #expect(log.tailCache.bytes <= 2000)
    }
}
