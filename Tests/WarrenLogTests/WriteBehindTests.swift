// WriteBehindTests.swift: logs whose appends are written to their files by the flusher.

import Foundation
import NIOCore
import Testing
@testable import WarrenLog

@Suite struct WriteBehindTests {
    /// A log writing in the background on the in-memory file system, its flusher held inside
    /// the fsync of record 0 (already written) until `release` is signalled.
    private func logWithTheFlusherHeld(
        _ harness: LogHarness, flusher: LogFlusher? = nil,
        _ configure: (inout PartitionLog.Configuration) -> Void = { _ in }
    ) throws -> (log: PartitionLog, release: DispatchSemaphore) {
        let memory = harness.memory!
        var configuration = PartitionLog.Configuration()
        configuration.durability = .always
        configuration.writesInBackground = true
        configure(&configuration)
        let log = try PartitionLog.open(
            directory: harness.directory, configuration: configuration, fileSystem: memory, clock: harness.clock,
            flusher: flusher)
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        memory.setFaults { $0.syncGate = (entered, release) }
        try appendRecords(log, 0, count: 1)
        #expect(entered.wait(timeout: .now() + 10) == .success)
        memory.setFaults { $0.syncGate = nil }
        return (log, release)
    }

    private func segmentBytes(_ harness: LogHarness) -> Int {
        harness.memory!.contents(harness.path(Segment.fileName(0, "log")))?.count ?? 0
    }

    /// Appends queue their bytes; a read of bytes not yet written writes them first, on the
    /// reading thread, while the flusher is still busy.
    @Test func aReadOfQueuedBatchesWritesThemFirst() throws {
        let harness = LogHarness(.memory)
        // No tail cache: every read goes to the segment file.
        let (log, release) = try logWithTheFlusherHeld(harness) { $0.tailCacheBytes = 0 }
        defer { try? log.close() }
        let written = segmentBytes(harness)
        #expect(written > 0)
        try appendRecords(log, 1, count: 7)
        #expect(segmentBytes(harness) == written)
        #expect(log.writes!.unwrittenBytes > 0)
        #expect(try readAll(log).map(\.offset) == Array(0..<8))
        #expect(segmentBytes(harness) > written)
        #expect(log.writes!.unwrittenBytes == 0)
        release.signal()
        guard case .success = log.waitUntilDurable(7, timeout: .seconds(10)) else {
            Issue.record("records 1-7 did not become durable")
            return
        }
    }

    /// The flusher writes what was queued before it syncs: every record reported durable is
    /// in the file's synced bytes.
    @Test func whatIsReportedDurableWasWrittenBeforeTheSync() throws {
        let harness = LogHarness(.memory)
        let (log, release) = try logWithTheFlusherHeld(harness)
        try appendRecords(log, 1, count: 7)
        release.signal()
        guard case .success = log.waitUntilDurable(7, timeout: .seconds(10)) else {
            Issue.record("records 1-7 did not become durable")
            return
        }
        harness.memory!.crash()
        withExtendedLifetime(log) {}
        let reopened = try harness.open()
        defer { try? reopened.close() }
        #expect(try readAll(reopened).map(\.offset) == Array(0..<8))
    }

    /// Past `unwrittenBytesMax` queued, an append writes the queue itself.
    @Test func anAppendWritesTheQueuePastTheLimit() throws {
        let harness = LogHarness(.memory)
        let (log, release) = try logWithTheFlusherHeld(harness) { $0.unwrittenBytesMax = 2_000 }
        defer { try? log.close() }
        let written = segmentBytes(harness)
        for n in 1...10 {
            try log.append([makeRecord(n, size: 600)])
            #expect(log.writes!.unwrittenBytes <= 2_000)
        }
        #expect(segmentBytes(harness) > written + 6_000)
        release.signal()
        #expect(log.waitUntilDurable(10, timeout: .seconds(10)) != nil)
    }

    /// A write the flusher fails fails the log: the waiter learns it, later appends throw, and
    /// reopening keeps what was durable before.
    @Test func aFailedBackgroundWriteFailsTheLog() throws {
        let harness = LogHarness(.memory)
        let log = try harness.open { $0.writesInBackground = true }
        try appendRecords(log, 0, count: 2)
        #expect(log.waitUntilDurable(1, timeout: .seconds(10)) != nil)
        guard try expectStorageFailure(of: log, in: harness, next: 2, faults: { $0.tornWriteBytes = 10 }) else { return }
        try? log.close()
        let reopened = try harness.open()
        defer { try? reopened.close() }
        #expect(try readAll(reopened).map(\.offset) == [0, 1])
    }

    /// A log released without `close` loses what it had queued, as a crashed process would:
    /// the flusher's next turn for it writes nothing into the files.
    @Test func aLogReleasedWithoutCloseDropsItsQueue() throws {
        let harness = LogHarness(.memory)
        let flusher = LogFlusher()
        var held: PartitionLog? = nil
        var release = DispatchSemaphore(value: 0)
        (held, release) = try logWithTheFlusherHeld(harness, flusher: flusher)
        try appendRecords(held!, 1, count: 7)
        let written = segmentBytes(harness)
        held = nil
        release.signal()
        flusher.shutdown()  // Runs the turn that was queued for the log.
        #expect(segmentBytes(harness) == written)
        let reopened = try harness.open()
        defer { try? reopened.close() }
        #expect(try readAll(reopened).map(\.offset) == [0])
    }

    /// Holds the flusher with records 1-7 queued behind record 0, runs `operation` on another
    /// thread, and expects it to write the queue itself (the flusher still held) and to return
    /// once the flusher is released. Returns the log and what `operation` returned, or nil
    /// (having recorded an issue) when it did not return.
    private func expectWritesTheQueueItself<Value>(
        _ harness: LogHarness, _ operation: @escaping (PartitionLog) throws -> Value
    ) throws -> (log: PartitionLog, result: Result<Value, any Error>)? {
        let (log, release) = try logWithTheFlusherHeld(harness)
        try appendRecords(log, 1, count: 7)
        let written = segmentBytes(harness)
        let wrote = DispatchSemaphore(value: 0)
        harness.memory!.setFaults { $0.writeSignal = wrote }
        let running = OnAnotherThread { try operation(log) }
        // The flusher is still held in its sync: this write is the operation's own.
        #expect(wrote.wait(timeout: .now() + 10) == .success)
        #expect(segmentBytes(harness) > written)
        release.signal()
        guard running.done.wait(timeout: .now() + 10) == .success, let result = running.result else {
            Issue.record("the operation did not return once the flusher was released")
            return nil
        }
        return (log, result)
    }

    /// A truncation with batches still queued writes them itself, then cuts the log: what is
    /// left, and what is appended after, survive a reopen.
    @Test func aTruncationWritesTheQueueFirst() throws {
        let harness = LogHarness(.memory)
        guard let (log, result) = try expectWritesTheQueueItself(harness, { try $0.truncate(to: 5) }) else { return }
        #expect(try result.get() == 5)
        #expect(try readAll(log).map(\.offset) == Array(0..<5))
        try appendRecords(log, 5, count: 1)
        try log.close()
        let reopened = try harness.open()
        defer { try? reopened.close() }
        #expect(try readAll(reopened).map(\.offset) == Array(0..<6))
    }

    /// A close with batches still queued writes them itself and waits for the flusher: a clean
    /// reopen finds every record.
    @Test func aCloseWritesTheQueueFirst() throws {
        let harness = LogHarness(.memory)
        guard let (_, result) = try expectWritesTheQueueItself(harness, { try $0.close() }) else { return }
        #expect(throws: Never.self) { try result.get() }
        let reopened = try harness.open()
        defer { try? reopened.close() }
        #expect(try readAll(reopened).map(\.offset) == Array(0..<8))
    }
}

/// Runs `body` once on a thread of its own; `done` is signalled when it has returned, and
/// `result` (read after `done`) holds what it returned or threw.
private final class OnAnotherThread<Value>: @unchecked Sendable {
    private let body: () throws -> Value
    private(set) var result: Result<Value, any Error>?
    let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping () throws -> Value) {
        self.body = body
        Thread { [self] in
            result = Result { try self.body() }
            done.signal()
        }.start()
    }
}
