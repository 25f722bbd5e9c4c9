// ConsumerGroupJournalTests.swift: group state, the journal, snapshots and their recovery.

import NIOCore
import SystemPackage
import Testing
@testable import WarrenLog

@Suite struct ConsumerGroupStateTests {
    @Test func acksMergeAndMoveTheFloor() {
        var state = ConsumerGroupState(startOffset: 10)
        state.ack(12...13)
        state.ack(16...16)
        #expect(state.ackFloor == 10)
        #expect(state.ackedRanges == [12...13, 16...16])
        state.ack(14...15)
        #expect(state.ackedRanges == [12...16])
        state.ack(10...11)
        #expect(state.ackFloor == 17)
        #expect(state.ackedRanges.isEmpty)
        #expect(state.cursor == 17)
        state.ack(3...5)  // Below the floor: nothing changes.
        #expect(state.ackFloor == 17)
    }

    @Test func deliveryCountsGoWhenSettled() {
        var state = ConsumerGroupState(startOffset: 0)
        state.setDeliveryCount(2, for: 1)
        state.setDeliveryCount(3, for: 5)
        state.ack(0...1)
        #expect(state.deliveryCounts == [5: 3])
    }
}

@Suite struct ConsumerGroupJournalTests {
    private func open(_ harness: LogHarness, every: Int = 1000) throws -> ConsumerGroupJournal {
        try ConsumerGroupJournal.open(directory: harness.directory, fileSystem: harness.fileSystem, snapshotEveryEntries: every)
    }

    private func exercise(_ journal: ConsumerGroupJournal) throws {
        try journal.record(.created(group: "billing", startOffset: 0))
        try journal.record(.created(group: "audit", startOffset: 100))
        try journal.record(.created(group: "gone", startOffset: 0))
        for n in stride(from: 0, to: 200, by: 2) {
            try journal.record(.acked(group: "billing", first: Int64(n), last: Int64(n)))
        }
        try journal.record(.cursorMoved(group: "audit", offset: 150))
        try journal.record(.acked(group: "audit", first: 100, last: 120))
        try journal.record(.deliveryCount(group: "audit", offset: 130, count: 4))
        try journal.record(.deleted(group: "gone"))
    }

    private func expectExercised(_ groups: [String: ConsumerGroupState]) {
        #expect(Set(groups.keys) == ["billing", "audit"])
        #expect(groups["billing"]?.ackFloor == 1)
        #expect(groups["billing"]?.ackedRanges.count == 99)
        #expect(groups["audit"]?.ackFloor == 121)
        #expect(groups["audit"]?.cursor == 150)
        #expect(groups["audit"]?.deliveryCounts == [130: 4])
    }

    @Test(arguments: Storage.allCases)
    func reloadsFromTheJournal(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let journal = try open(harness)
        try exercise(journal)
        expectExercised(journal.groups)
        try journal.close()
        let reopened = try open(harness)
        expectExercised(reopened.groups)
        #expect(reopened.entriesSinceSnapshot == 107)
        #expect(throws: LogError.self) { try reopened.record(.cursorMoved(group: "nobody", offset: 1)) }
        #expect(throws: LogError.self) { try reopened.record(.created(group: "audit", startOffset: 1)) }
    }

    @Test(arguments: Storage.allCases)
    func snapshotsCompactTheJournal(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let journal = try open(harness, every: 25)
        try exercise(journal)
        #expect(journal.entriesSinceSnapshot < 25)
        let journals = try harness.fileSystem.listDirectory(harness.directory).filter { $0.hasSuffix(".journal") }
        #expect(journals.count == 1)
        try journal.close()
        let reopened = try open(harness, every: 25)
        expectExercised(reopened.groups)
    }

    /// With `deferWrites`, entries reach the file only at `writePending` (one write for the
    /// burst), and what was written reloads; what was not is lost, as documented.
    @Test(arguments: Storage.allCases)
    func deferredWritesReachTheFileOnlyWhenWritten(_ storage: Storage) throws {
        let harness = LogHarness(storage)
        let journal = try open(harness)
        journal.deferWrites = true
        try exercise(journal)
        #expect(journal.hasPendingWrites)
        #expect(try open(harness).groups.isEmpty)  // a second reader sees nothing of it yet
        try journal.writePending()
        #expect(!journal.hasPendingWrites)
        expectExercised(try open(harness).groups)
        try journal.record(.acked(group: "billing", first: 500, last: 500))
        #expect(try open(harness).groups["billing"]?.ackedRanges.contains(500...500) == false)
        try journal.close()
        #expect(try open(harness).groups["billing"]?.ackedRanges.contains(500...500) == true)
    }

    /// Deferred, a run of single-offset acks of one group is one journal entry (a `multiple`
    /// ack settles each offset in turn); a gap, another group or another kind of entry starts a
    /// new one. What reloads is the same state as entry by entry.
    @Test func deferredAcksInARunBecomeOneEntry() throws {
        let harness = LogHarness(.memory)
        let journal = try open(harness)
        try journal.record(.created(group: "g", startOffset: 0))
        try journal.record(.created(group: "h", startOffset: 0))
        try journal.writePending()
        let entriesBefore = journal.entriesSinceSnapshot
        journal.deferWrites = true
        for offset in 0..<100 { try journal.record(.acked(group: "g", first: Int64(offset), last: Int64(offset))) }
        #expect(journal.entriesSinceSnapshot == entriesBefore + 1)
        try journal.record(.acked(group: "g", first: 150, last: 150))  // a gap
        try journal.record(.acked(group: "h", first: 0, last: 0))  // another group
        try journal.record(.acked(group: "g", first: 151, last: 151))
        #expect(journal.entriesSinceSnapshot == entriesBefore + 4)
        #expect(journal.groups["g"]?.ackFloor == 100)
        #expect(journal.hasPendingWrites)
        try journal.writePending()
        let reopened = try open(harness)
        #expect(reopened.groups["g"]?.ackFloor == 100)
        #expect(reopened.groups["g"]?.ackedRanges.contains(150...151) == true)
        #expect(reopened.groups["h"]?.ackFloor == 1)
    }

    @Test func reloadCostIsTheSnapshotNotTheHistory() throws {
        let harness = LogHarness(.memory)
        let journal = try open(harness, every: 500)
        try journal.record(.created(group: "g", startOffset: 0))
        for n in 0..<20_000 { try journal.record(.acked(group: "g", first: Int64(n), last: Int64(n))) }
        try journal.close()
        let before = harness.memory!.bytesRead
        let reopened = try open(harness, every: 500)
        #expect(reopened.groups["g"]?.ackFloor == 20_000)
        // 20,000 entries of ~27 bytes were written; loading reads a tiny snapshot and < 500 entries.
        #expect(harness.memory!.bytesRead - before < 500 * 40)
    }

    @Test func tornJournalTailIsCut() throws {
        let harness = LogHarness(.memory)
        let journal = try open(harness)
        try exercise(journal)
        try journal.record(.acked(group: "audit", first: 121, last: 125))
        try journal.close()
        let name = ConsumerGroupJournal.journalName(0)
        let bytes = try harness.bytes(name)
        try harness.write(name, Array(bytes.dropLast(3)))
        var reopened = try open(harness)
        expectExercised(reopened.groups)  // The last ack was torn away.
        try reopened.record(.acked(group: "audit", first: 121, last: 125))
        try reopened.close()
        reopened = try open(harness)
        #expect(reopened.groups["audit"]?.ackFloor == 126)
        // A flipped bit in the middle cuts the journal there, never applies garbage.
        harness.memory!.flipBit(harness.path(name), byte: 200)
        reopened = try open(harness)
        #expect(reopened.entriesSinceSnapshot < 107)
    }

    @Test func compactionCrashLeavesAConsistentState() throws {
        let harness = LogHarness(.memory)
        let journal = try open(harness)
        try exercise(journal)
        try journal.sync()
        // A compaction that died after creating the next journal and the temporary snapshot.
        try harness.write(ConsumerGroupJournal.journalName(1), Array("WGJN".utf8))
        try harness.write("groups.snapshot.tmp", [1, 2, 3])
        let reopened = try open(harness)
        expectExercised(reopened.groups)
        #expect(!harness.fileSystem.fileExists(harness.path("groups.snapshot.tmp")))
        #expect(!harness.fileSystem.fileExists(harness.path(ConsumerGroupJournal.journalName(1))))
    }
}
