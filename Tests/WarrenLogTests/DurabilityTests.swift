// DurabilityTests.swift: group commit, the three policies, fsync failures.

import Atomics
import Foundation
import NIOCore
import Testing
@testable import WarrenLog

/// Collects callback results across threads.
final class Recorder<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var values: [T] = []

    func record(_ value: T) {
        condition.lock()
        values.append(value)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits (bounded) until `count` values arrived; returns them.
    func wait(for count: Int, timeout: TimeInterval = 10) -> [T] {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while values.count < count && condition.wait(until: deadline) {}
        return values
    }
}

@Suite struct DurabilityTests {
    @Test(arguments: Storage.allCases)
    func alwaysReportsDurabilityThroughCallbacks(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open { $0.durability = .always }
        defer { try? log.close() }
        let listener = Recorder<Int64>()
        log.setDurabilityListener { listener.record($0) }
        let results = Recorder<Bool>()
        for n in 0..<20 {
            let appended = try log.append([makeRecord(n)])
            log.whenDurable(appended.lastOffset) { results.record((try? $0.get()) != nil) }
        }
        let outcomes = results.wait(for: 20)
        #expect(outcomes.count == 20 && outcomes.allSatisfy { $0 })
        #expect(log.highWatermark == 20)
        #expect(listener.wait(for: 1).last.map { $0 <= 20 } == true)
        // Already durable: the callback runs at once.
        let immediate = Recorder<Bool>()
        log.whenDurable(3) { immediate.record((try? $0.get()) != nil) }
        #expect(immediate.wait(for: 1, timeout: 0) == [true])
    }

    /// An `always` log on the in-memory file system whose flusher is held inside the fsync of
    /// record 0 until `release` is signalled.
    private func logWithAFlushRunning() throws -> (log: PartitionLog, memory: InMemoryFileSystem,
                                                 release: DispatchSemaphore, syncsBefore: Int) {
        let harness = LogHarness(.memory)
        let memory = harness.memory!
        let log = try harness.open { $0.durability = .always }
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        memory.setFaults { $0.syncGate = (entered, release) }
        let before = memory.syncCount
        try appendRecords(log, 0, count: 1)
        #expect(entered.wait(timeout: .now() + 10) == .success)
        memory.setFaults { $0.syncGate = nil }
        return (log, memory, release, before)
    }

    /// Group commit: appends that arrive while an fsync runs are all covered by the next one.
    @Test func oneFsyncCoversEveryAppendSinceTheLast() throws {
        // The flusher is inside the first fsync, which covers record 0 only.
        let (log, memory, release, before) = try logWithAFlushRunning()
        defer { try? log.close() }
        let durable = Recorder<Int64>()
        for n in 1..<8 {
            let offset = try log.append([makeRecord(n)]).lastOffset
            log.whenDurable(offset) { _ in durable.record(offset) }
        }
        release.signal()
        #expect(durable.wait(for: 7).count == 7)
        #expect(log.highWatermark == 8)
        // Two fsyncs for eight appends: the one that was running, and one for the seven after it.
        #expect(memory.syncCount - before == 2)
    }

    /// The append path takes no lock: while the flusher is inside an fsync (outside the
    /// tracker's mutex), 100 appends queue nothing and take the mutex zero times.
    @Test func appendsTakeNoLockWhileAFlushRuns() throws {
        let (log, _, release, _) = try logWithAFlushRunning()
        defer { try? log.close() }
        let before = log.durability.lock.acquisitions.load(ordering: .relaxed)
        try appendRecords(log, 1, count: 100)
        _ = log.highWatermark
        let after = log.durability.lock.acquisitions.load(ordering: .relaxed)
        release.signal()
        #expect(after - before == 0)
        #expect(log.waitUntilDurable(100, timeout: .seconds(10)) != nil)
    }

    /// Under `never`, appends take no lock while nobody waits, and a waiter is still woken.
    @Test func neverPolicyAppendsTakeNoLock() throws {
        let harness = LogHarness(.memory)
        let log = try harness.open { $0.durability = .never }
        defer { try? log.close() }
        let before = log.durability.lock.acquisitions.load(ordering: .relaxed)
        try appendRecords(log, 0, count: 50)
        #expect(log.durability.lock.acquisitions.load(ordering: .relaxed) - before == 0)
        #expect(log.highWatermark == 50)
        let woken = Recorder<Bool>()
        log.whenDurable(50) { woken.record((try? $0.get()) != nil) }
        try appendRecords(log, 50, count: 1)
        #expect(woken.wait(for: 1, timeout: 10) == [true])
    }

    @Test func failedFsyncFailsWaitersAndLaterAppends() throws {
        let harness = LogHarness(.memory)
        let log = try harness.open()
        defer { try? log.close() }
        try appendRecords(log, 0, count: 2)
        #expect(log.waitUntilDurable(1, timeout: .seconds(10)) != nil)
        guard try expectStorageFailure(of: log, in: harness, next: 2, faults: { $0.failSync = true }) else { return }
        let late = Recorder<Bool>()
        log.whenDurable(2) { late.record((try? $0.get()) != nil) }
        #expect(late.wait(for: 1, timeout: 0) == [false])
    }

    @Test(arguments: Storage.allCases)
    func intervalPolicyFollowsTheClock(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open { $0.durability = .interval(.milliseconds(100)) }
        defer { try? log.close() }
        try appendRecords(log, 0, count: 5)
        log.flushIfDue()
        #expect(!log.durability.isQueued)
        #expect(log.highWatermark == 0)
        #expect(try log.read(from: 0, maxBytes: 1 << 20, isolation: .durable).isEmpty)
        #expect(try log.read(from: 0, maxBytes: 1 << 20).count == 5)
        harness.clock.advance(by: .milliseconds(100))
        log.flushIfDue()
        #expect(log.waitUntilDurable(4, timeout: .seconds(10)) != nil)
        #expect(try log.read(from: 0, maxBytes: 1 << 20, isolation: .durable).count == 5)
    }

    @Test(arguments: Storage.allCases)
    func neverPolicyFollowsTheLogEnd(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try harness.open { $0.durability = .never }
        defer { try? log.close() }
        try appendRecords(log, 0, count: 5)
        #expect(log.highWatermark == 5)
        if let memory = harness.memory { #expect(memory.syncCount == 1) }  // The sync at open only.
    }

    #if canImport(Glibc)
    /// The flusher lowers its own thread's priority as asked, and only its own: the thread
    /// that made it keeps its niceness (Linux, where niceness is per thread).
    @Test func theFlusherThreadRunsAtItsNiceness() throws {
        let own = Self.niceness()
        let seen = Recorder<Int32>()
        let flusher = LogFlusher(onFsync: { _ in seen.record(Self.niceness()) }, niceness: 7)
        defer { flusher.shutdown() }
        let harness = LogHarness(.memory)
        defer { harness.cleanUp() }
        let log = try PartitionLog.open(directory: harness.directory, fileSystem: harness.fileSystem,
                                        clock: harness.clock, flusher: flusher)
        defer { try? log.close() }
        try appendRecords(log, 0, count: 3)
        #expect(log.waitUntilDurable(2, timeout: .seconds(10)) != nil)
        let niceness = seen.wait(for: 1)
        #expect(niceness.first == max(7, own))
        #expect(Self.niceness() == own)
    }

    static func niceness() -> Int32 {
        getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
    }
    #endif

    @Test func oneFlusherServesManyLogs() throws {
        let flusher = LogFlusher()
        defer { flusher.shutdown() }
        let harnesses = (0..<4).map { _ in LogHarness(.memory) }
        let logs = try harnesses.map {
            try PartitionLog.open(directory: $0.directory, fileSystem: $0.fileSystem, clock: $0.clock, flusher: flusher)
        }
        for log in logs { try appendRecords(log, 0, count: 10) }
        for log in logs { #expect(log.waitUntilDurable(9, timeout: .seconds(10)) != nil) }
        for log in logs { try log.close() }
    }
}
