// GroupJournalGoldenTests.swift: golden files for the consumer-group journal and snapshot, so a
// change to their encoding that would make old group state unreadable fails here. Regenerate
// only for a deliberate, versioned format change: WARREN_REGENERATE_GOLDEN=1 swift test --filter GroupJournalGolden

import Foundation
import SystemPackage
import Testing
@testable import WarrenLog

@Suite struct GroupJournalGoldenTests {
    static let goldenDirectory = GoldenTests.goldenDirectory + "/group-journal"
    /// A snapshot of generation 1 and the journal that continues it.
    static let files = ["groups.snapshot", "groups-00000000000000000001.journal"]

    /// Every entry type: before the snapshot (folded into it) and after it (in the journal).
    static func writeGoldenJournal() throws -> InMemoryFileSystem {
        let fileSystem = InMemoryFileSystem()
        let journal = try ConsumerGroupJournal.open(directory: "/journal", fileSystem: fileSystem)
        try journal.record(.created(group: "billing", startOffset: 0))
        try journal.record(.created(group: "audit", startOffset: 100))
        try journal.record(.created(group: "gone", startOffset: 5))
        try journal.record(.acked(group: "billing", first: 0, last: 9))
        try journal.record(.acked(group: "billing", first: 12, last: 14))
        try journal.record(.deliveryCount(group: "billing", offset: 10, count: 3))
        try journal.record(.cursorMoved(group: "audit", offset: 140))
        try journal.record(.deleted(group: "gone"))
        try journal.snapshot()
        try journal.record(.acked(group: "audit", first: 100, last: 119))
        try journal.record(.deliveryCount(group: "audit", offset: 125, count: 2))
        try journal.record(.cursorMoved(group: "billing", offset: 20))
        try journal.record(.created(group: "analytics", startOffset: 7))
        try journal.close()
        return fileSystem
    }

    @Test func writingTheGoldenEntriesGivesTheGoldenBytes() throws {
        let written = try Self.writeGoldenJournal()
        if ProcessInfo.processInfo.environment["WARREN_REGENERATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(atPath: Self.goldenDirectory, withIntermediateDirectories: true)
            for name in Self.files {
                try Data(written.contents(FilePath("/journal/\(name)"))!)
                    .write(to: URL(fileURLWithPath: "\(Self.goldenDirectory)/\(name)"))
            }
        }
        for name in Self.files {
            let golden = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(Self.goldenDirectory)/\(name)")))
            #expect(written.contents(FilePath("/journal/\(name)")) == golden, "\(name) differs from its golden file")
        }
    }

    @Test func theGoldenFilesLoadToTheirGroups() throws {
        let fileSystem = InMemoryFileSystem()
        try fileSystem.createDirectory("/journal")
        for name in Self.files {
            let golden = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(Self.goldenDirectory)/\(name)")))
            fileSystem.setContents(FilePath("/journal/\(name)"), golden)
        }
        let journal = try ConsumerGroupJournal.open(directory: "/journal", fileSystem: fileSystem)
        defer { try? journal.close() }
        let groups = journal.groups
        #expect(Set(groups.keys) == ["billing", "audit", "analytics"])
        #expect(groups["billing"]?.ackFloor == 10 && groups["billing"]?.ackedRanges == [12...14])
        #expect(groups["billing"]?.deliveryCounts == [10: 3] && groups["billing"]?.cursor == 20)
        #expect(groups["audit"]?.ackFloor == 120 && groups["audit"]?.cursor == 140)
        #expect(groups["audit"]?.deliveryCounts == [125: 2])
        #expect(groups["analytics"]?.ackFloor == 7)
    }
}
