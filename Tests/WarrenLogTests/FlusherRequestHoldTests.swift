// FlusherRequestHoldTests.swift: an owner holding its logs' flusher wake-ups until the end of its turn.

import Dispatch
import Testing
@testable import WarrenLog

@Suite struct FlusherRequestHoldTests {
    /// A log on the in-memory file system whose flusher requests go through `hold`.
    private func openLog(_ harness: LogHarness, hold: FlusherRequestHold, writesInBackground: Bool = true) throws
        -> PartitionLog {
        try harness.open {
            $0.durability = .always
            $0.writesInBackground = writesInBackground
            $0.flusherRequestHold = hold
        }
    }

    /// Calls `body` with `log` on another thread: true if it returned true within 10 s; false
    /// if it returned false or did not return (a deadlock: the log waiting for a flusher turn
    /// that was never asked for).
    private func returnsInTime(_ log: PartitionLog, _ body: @escaping (PartitionLog) -> Bool) -> Bool {
        let call = HandedOver(log, body)
        DispatchQueue.global().async { call.run() }
        return call.done.wait(timeout: .now() + 10) == .success && call.succeeded
    }

    /// While held, an append reaches the hold and not the flusher; `release` queues it there.
    @Test func aHeldRequestReachesTheFlusherOnRelease() throws {
        let harness = LogHarness(.memory)
        let hold = FlusherRequestHold()
        let log = try openLog(harness, hold: hold)
        defer { try? log.close() }
        hold.hold()
        try appendRecords(log, 0, count: 3)
        #expect(hold.hasHeldRequests)
        #expect(log.flusherRequestIsHeld)
        // Nothing was queued on the flusher: the batch is still unwritten and nothing is durable.
        #expect(log.writes!.unwrittenBytes > 0)
        #expect(log.highWatermark == 0)
        // A second append in the same turn adds nothing to the hold.
        try appendRecords(log, 3, count: 1)
        hold.release()
        #expect(!hold.isHolding && !hold.hasHeldRequests && !log.flusherRequestIsHeld)
        let durable = DispatchSemaphore(value: 0)
        log.whenDurable(3) { result in
            if case .success = result { durable.signal() }
        }
        #expect(durable.wait(timeout: .now() + 10) == .success)
        #expect(log.highWatermark == 4)
    }

    /// Without `hold()` the hold is transparent: an append queues the log on the flusher at once.
    @Test func appendsOutsideAHoldAskTheFlusherAtOnce() throws {
        let harness = LogHarness(.memory)
        let hold = FlusherRequestHold()
        let log = try openLog(harness, hold: hold, writesInBackground: false)
        defer { try? log.close() }
        try appendRecords(log, 0, count: 2)
        #expect(!hold.hasHeldRequests && !log.flusherRequestIsHeld)
        guard case .success = log.waitUntilDurable(1, timeout: .seconds(10)) else {
            Issue.record("records 0-1 did not become durable")
            return
        }
    }

    /// One release queues every log that asked while held.
    @Test func oneReleaseLetsEveryHeldLogGo() throws {
        let first = LogHarness(.memory), second = LogHarness(.memory)
        let hold = FlusherRequestHold()
        let flusher = LogFlusher()
        defer { flusher.shutdown() }
        var configuration = PartitionLog.Configuration()
        configuration.durability = .always
        configuration.flusherRequestHold = hold
        let logs = try [first, second].map {
            try PartitionLog.open(directory: $0.directory, configuration: configuration, fileSystem: $0.fileSystem,
                                  clock: $0.clock, flusher: flusher)
        }
        defer { for log in logs { try? log.close() } }
        hold.hold()
        for log in logs { try appendRecords(log, 0, count: 1) }
        #expect(logs.allSatisfy { $0.flusherRequestIsHeld })
        hold.release()
        let durable = DispatchSemaphore(value: 0)
        for log in logs {
            log.whenDurable(0) { result in
                if case .success = result { durable.signal() }
            }
        }
        #expect(durable.wait(timeout: .now() + 10) == .success)
        #expect(durable.wait(timeout: .now() + 10) == .success)
    }

    /// A log that waits for its flusher (close, truncate, waitUntilDurable) lets its own held
    /// request go first instead of waiting for a turn nobody asked for.
    @Test func waitingForTheFlusherLetsTheHeldRequestGo() throws {
        let harness = LogHarness(.memory)
        let hold = FlusherRequestHold()
        let log = try openLog(harness, hold: hold)
        hold.hold()
        try appendRecords(log, 0, count: 2)
        let waited = returnsInTime(log) { log in
            if case .success = log.waitUntilDurable(1, timeout: .seconds(10)) { return true }
            return false
        }
        #expect(waited, "records 0-1 became durable")
        #expect(!log.flusherRequestIsHeld)

        try appendRecords(log, 2, count: 2)
        #expect(log.flusherRequestIsHeld)
        #expect(returnsInTime(log) { (try? $0.truncate(to: 3)) == 3 })
        #expect(log.logEndOffset == 3)

        try appendRecords(log, 3, count: 1)
        #expect(log.flusherRequestIsHeld)
        #expect(returnsInTime(log) { (try? $0.close()) != nil })
        // The hold still names the closed log; letting it go does nothing.
        hold.release()
        let reopened = try harness.open()
        defer { try? reopened.close() }
        #expect(try readAll(reopened).map(\.offset) == [0, 1, 2, 3])
    }
}

/// A log and what to do with it, handed to one other thread while the test waits (the log is
/// used by one thread at a time, as its contract asks).
private final class HandedOver: @unchecked Sendable {
    let log: PartitionLog
    let body: (PartitionLog) -> Bool
    /// Read after `done` is signalled.
    private(set) var succeeded = false
    let done = DispatchSemaphore(value: 0)
    init(_ log: PartitionLog, _ body: @escaping (PartitionLog) -> Bool) {
        self.log = log
        self.body = body
    }
    func run() {
        succeeded = body(log)
        done.signal()
    }
}
