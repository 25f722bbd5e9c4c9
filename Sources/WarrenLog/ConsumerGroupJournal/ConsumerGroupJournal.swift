// ConsumerGroupJournal.swift: per-partition journal of consumer-group state, with snapshots.
//
// Files in the partition directory (mirrored in docs/formats/group-journal.md; integers
// big-endian; names are 1 length byte + UTF-8, at most 255 bytes):
//
// groups-<generation>.journal (generation as 20 decimal digits):
//   0   4  magic "WGJN"
//   4   1  version 1
//   5   8  generation uint64 (matches the file name and the snapshot)
//   13  .. entries: length uint32 (bytes of type + payload), crc uint32 (CRC-32C of type +
//          payload), type uint8, payload:
//            1 created        name, startOffset int64
//            2 deleted        name
//            3 cursorMoved    name, offset int64
//            4 acked          name, first int64, last int64 (inclusive)
//            5 deliveryCount  name, offset int64, count uint32
//
// groups.snapshot (written to groups.snapshot.tmp, fsynced, renamed):
//   0   4  magic "WGSN"
//   4   1  version 1
//   5   8  generation uint64: the journal that continues this snapshot
//   13  4  group count uint32, then per group (sorted by name): name, ackFloor int64,
//          cursor int64, range count uint32, ranges (first int64, last int64)...,
//          delivery-count count uint32, (offset int64, count uint32)...
//   end-4  crc uint32: CRC-32C of every byte before it
//
// Loading reads the snapshot, then replays its generation's journal, cutting the journal at the
// first torn or corrupt entry. A snapshot is taken every `snapshotEveryEntries` entries, so
// loading costs the snapshot plus at most that many entries, never the whole history.

import NIOCore
import SystemPackage

/// The durable state of every consumer group of one partition: an append-only journal of
/// changes, compacted into periodic snapshots. Owned by the partition's thread; not thread-safe.
///
/// Changes are written to the journal file at once and made durable by `sync()` (which blocks:
/// call it from a timer or when settling many acks). A change lost in a crash only means a
/// redelivery, flagged `redelivered`, as the design brief allows.
public final class ConsumerGroupJournal {
    let directory: FilePath
    let fileSystem: any FileSystem
    /// Entries between two snapshots.
    public let snapshotEveryEntries: Int

    /// Every group's state.
    public private(set) var groups: [String: ConsumerGroupState]
    /// Entries written since the last snapshot.
    public private(set) var entriesSinceSnapshot: Int
    private(set) var generation: UInt64
    /// The current generation's journal file. It is opened for each write or sync and let go
    /// after (its descriptor closes then), so a durable queue holds no descriptor for its
    /// groups between writes and ten thousand queues fit the process's limit.
    private func openJournal() throws -> any LogFile {
        try fileSystem.openFile(directory.appending(Self.journalName(generation)), create: false)
    }
    private var journalSize: Int64
    private var buffer = ByteBuffer()
    /// Entries recorded and not yet written (`deferWrites`); written by `writePending`.
    private var pending = ByteBuffer()
    /// When set, `record` only buffers; the owner calls `writePending` once per turn, so a
    /// burst of acks costs one write instead of one per entry. A crash loses what was not
    /// written: those deliveries come back (at least once).
    public var deferWrites = false
    /// An acknowledged range recorded with `deferWrites`, not yet encoded: the next ack of the
    /// same group that continues it extends it, so a consumer's run of acks (a `multiple` ack
    /// settles each offset in turn) is one entry, not one per message.
    private var pendingAck: (group: String, first: Int64, last: Int64)?
    /// Whether entries wait for `writePending`.
    public var hasPendingWrites: Bool { pending.readableBytes > 0 || pendingAck != nil }

    static let snapshotName = "groups.snapshot"

    static func journalName(_ generation: UInt64) -> String {
        let digits = String(generation)
        return "groups-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".journal"
    }

    private init(
        directory: FilePath, fileSystem: any FileSystem, snapshotEveryEntries: Int, generation: UInt64,
        groups: [String: ConsumerGroupState], journalSize: Int64, entries: Int
    ) {
        self.directory = directory
        self.fileSystem = fileSystem
        self.snapshotEveryEntries = snapshotEveryEntries
        self.generation = generation
        self.groups = groups
        self.journalSize = journalSize
        self.entriesSinceSnapshot = entries
    }

    /// Opens (creating if needed) the group journal in `directory`.
    public static func open(
        directory: FilePath, fileSystem: any FileSystem = POSIXFileSystem(), snapshotEveryEntries: Int = 10_000
    ) throws -> ConsumerGroupJournal {
        precondition(snapshotEveryEntries > 0)
        try fileSystem.createDirectory(directory)
        var generation: UInt64 = 0
        var groups: [String: ConsumerGroupState] = [:]
        let snapshotPath = directory.appending(snapshotName)
        if fileSystem.fileExists(snapshotPath) {
            let file = try fileSystem.openFile(snapshotPath, create: false)
            let bytes = try file.readFully(count: Int(try file.size()), at: 0)
            guard let snapshot = GroupJournalCodec.decodeSnapshot(bytes) else {
                throw LogError.corruptFile(path: snapshotPath.string, reason: "snapshot fails its CRC or layout")
            }
            (generation, groups) = snapshot
        }
        try removeStaleFiles(directory, fileSystem, keeping: journalName(generation))
        let (_, size, entries) = try replay(
            directory.appending(journalName(generation)), generation, fileSystem, into: &groups)
        return ConsumerGroupJournal(
            directory: directory, fileSystem: fileSystem, snapshotEveryEntries: snapshotEveryEntries,
            generation: generation, groups: groups, journalSize: size, entries: entries)
    }

    /// Removes journals of other generations and an unfinished snapshot (a compaction that
    /// crashed before or after its rename).
    private static func removeStaleFiles(_ directory: FilePath, _ fileSystem: any FileSystem, keeping: String) throws {
        for name in try fileSystem.listDirectory(directory)
        where (name.hasPrefix("groups-") && name.hasSuffix(".journal") && name != keeping)
            || name == snapshotName + ".tmp"
        {
            try fileSystem.removeFile(directory.appending(name))
        }
    }

    private static func replay(
        _ path: FilePath, _ generation: UInt64, _ fileSystem: any FileSystem, into groups: inout [String: ConsumerGroupState]
    ) throws -> (any LogFile, Int64, Int) {
        let file = try fileSystem.openFile(path, create: true)
        var bytes = try file.readFully(count: Int(try file.size()), at: 0)
        let header = GroupJournalCodec.journalHeader(generation: generation)
        guard bytes.readSlice(length: GroupJournalCodec.journalHeaderBytes) == header else {
            // Missing or torn header: the journal holds nothing durable yet.
            try file.truncate(to: 0)
            try file.write(header, at: 0)
            try file.sync()
            return (file, Int64(header.readableBytes), 0)
        }
        var entries = 0
        while let entry = GroupJournalCodec.decode(&bytes) {
            apply(entry, to: &groups)
            entries += 1
        }
        let validEnd = Int64(bytes.readerIndex)
        if bytes.readableBytes > 0 { try file.truncate(to: validEnd) }
        return (file, validEnd, entries)
    }

    static func apply(_ entry: GroupJournalEntry, to groups: inout [String: ConsumerGroupState]) {
        switch entry {
        case .created(let group, let startOffset): groups[group] = ConsumerGroupState(startOffset: startOffset)
        case .deleted(let group): groups[group] = nil
        case .cursorMoved(let group, let offset): groups[group]?.cursor = offset
        case .acked(let group, let first, let last): groups[group]?.ack(first...last)
        case .deliveryCount(let group, let offset, let count): groups[group]?.setDeliveryCount(count, for: offset)
        }
    }

    // MARK: Changes

    /// Applies `entry` to the state and writes it to the journal. Throws `groupState` for a
    /// change to a group that does not exist, or a creation of one that does.
    public func record(_ entry: GroupJournalEntry) throws {
        let group = entry.group
        guard group.utf8.count <= LogLimits.groupNameBytesMax, !group.isEmpty else {
            throw LogError.groupState("group name must be 1 to \(LogLimits.groupNameBytesMax) bytes")
        }
        if case .created = entry {
            guard groups[group] == nil else { throw LogError.groupState("group \(group) exists") }
        } else {
            guard groups[group] != nil else { throw LogError.groupState("no group \(group)") }
        }
        if deferWrites {
            if case .acked(_, let first, let last) = entry {
                if let ack = pendingAck, ack.group == group, ack.last + 1 == first {
                    pendingAck!.last = last
                    Self.apply(entry, to: &groups)
                    return
                }
                encodePendingAck()
                pendingAck = (group, first, last)
            } else {
                encodePendingAck()
                GroupJournalCodec.encode(entry, into: &pending)
            }
            if pending.readableBytes >= Self.pendingBytesMax { try writePending() }
        } else {
            buffer.clear()
            GroupJournalCodec.encode(entry, into: &buffer)
            try openJournal().write(buffer, at: journalSize)
            journalSize += Int64(buffer.readableBytes)
        }
        Self.apply(entry, to: &groups)
        entriesSinceSnapshot += 1
        if entriesSinceSnapshot >= snapshotEveryEntries { try snapshot() }
    }

    /// Buffered entries past this are written at once.
    static let pendingBytesMax = 1 << 20

    private func encodePendingAck() {
        guard let ack = pendingAck else { return }
        GroupJournalCodec.encode(.acked(group: ack.group, first: ack.first, last: ack.last), into: &pending)
        pendingAck = nil
    }

    /// Writes the buffered entries in one write.
    public func writePending() throws {
        encodePendingAck()
        guard pending.readableBytes > 0 else { return }
        try openJournal().write(pending, at: journalSize)
        journalSize += Int64(pending.readableBytes)
        pending.clear()
    }

    /// Makes every recorded change durable.
    public func sync() throws {
        try writePending()
        try openJournal().sync()
    }

    /// Writes a snapshot of every group and starts a new, empty journal generation; the old
    /// journal is deleted. Crash-safe at every step (see `open`).
    public func snapshot() throws {
        // Written first, so a snapshot that fails leaves them in the journal it keeps.
        try writePending()
        let next = generation + 1
        let newJournalPath = directory.appending(Self.journalName(next))
        let newJournal = try fileSystem.openFile(newJournalPath, create: true)
        let header = GroupJournalCodec.journalHeader(generation: next)
        try newJournal.truncate(to: 0)
        try newJournal.write(header, at: 0)
        try newJournal.sync()
        let temporary = directory.appending(Self.snapshotName + ".tmp")
        let file = try fileSystem.openFile(temporary, create: true)
        try file.truncate(to: 0)
        try file.write(GroupJournalCodec.encodeSnapshot(generation: next, groups: groups), at: 0)
        try file.sync()
        try file.close()
        try fileSystem.rename(temporary, to: directory.appending(Self.snapshotName))
        try fileSystem.syncDirectory(directory)
        try fileSystem.removeFile(directory.appending(Self.journalName(generation)))
        journalSize = Int64(header.readableBytes)
        generation = next
        entriesSinceSnapshot = 0
    }

    /// Syncs the journal (it holds no file between writes, so there is nothing else to release).
    public func close() throws {
        try sync()
    }
}
