// Segment.swift: one segment of a partition log: `<baseOffset>.log` plus its two sparse indexes.
//
// The `.log` file is a plain sequence of RecordBatch v2 batches (see RecordBatchV2.swift) with
// contiguous offsets: each batch's base offset is the previous batch's last offset + 1, and the
// first batch's base offset is the segment's base offset (the number in its file names, padded
// to 20 digits). Layout in docs/formats/segment.md.

import Atomics
import NIOCore
import SystemPackage

/// One segment: its files, its in-memory indexes and what the log needs to know about it.
/// Owned by one `PartitionLog`; not thread-safe.
final class Segment {
    let baseOffset: Int64
    let fileSystem: any FileSystem
    let logPath: FilePath
    let indexPath: FilePath
    let timeIndexPath: FilePath
    let indexIntervalBytes: Int

    /// Bytes of valid batches in the `.log` file (some possibly still queued in `writes`).
    private(set) var size: Int64 {
        didSet { if writes == nil || size < oldValue { writtenSize.store(size, ordering: .sequentiallyConsistent) } }
    }
    /// Where appends go when the log writes in the background (nil: written by `append`).
    var writes: WriteBehind?
    /// Bytes of the `.log` file written so far: `size` unless batches are queued in `writes`.
    let writtenSize: ManagedAtomic<Int64>
    /// Offset after the last batch (the base offset when empty).
    private(set) var nextOffset: Int64
    /// Largest record timestamp, `Int64.min` when the segment is empty.
    private(set) var maxTimestamp: Int64
    /// Clock time (ms) when the segment was created, for roll by age.
    let createdAtMs: Int64

    /// The `.log` file when open (the active segment always; others while cached for reads).
    private(set) var file: (any LogFile)?
    /// Whether the segment's indexes take entries (the active segment, or one being rebuilt or
    /// cut). Their files are opened only to write, cut or sync them, then let go: a partition
    /// holds one descriptor (its active `.log`), so ten thousand queues fit the process's limit.
    private var indexesWritable = false
    private var offsetIndex: OffsetIndex?
    private var timeIndex: TimeIndex?
    private var lastIndexedPosition: Int64 = 0
    // Index entries added in memory but not yet written to the index files: they are written
    // in groups (`LogLimits.indexEntriesUnwrittenMax`), so most appends make one `pwrite`, not
    // three. The files only need to be complete when the segment stops being active, is cut or
    // is closed cleanly; after a crash the active segment's indexes are rebuilt anyway.
    private var unwrittenIndex = ByteBuffer()
    private var unwrittenTimeIndex = ByteBuffer()
    private var unwrittenEntries = 0

    static func fileName(_ baseOffset: Int64, _ suffix: String) -> String {
        let digits = String(baseOffset)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "." + suffix
    }

    init(
        baseOffset: Int64, directory: FilePath, fileSystem: any FileSystem, indexIntervalBytes: Int,
        size: Int64, nextOffset: Int64, maxTimestamp: Int64, createdAtMs: Int64
    ) {
        self.baseOffset = baseOffset
        self.fileSystem = fileSystem
        self.logPath = directory.appending(Self.fileName(baseOffset, "log"))
        self.indexPath = directory.appending(Self.fileName(baseOffset, "index"))
        self.timeIndexPath = directory.appending(Self.fileName(baseOffset, "timeindex"))
        self.indexIntervalBytes = indexIntervalBytes
        self.size = size
        self.writtenSize = ManagedAtomic(size)
        self.nextOffset = nextOffset
        self.maxTimestamp = maxTimestamp
        self.createdAtMs = createdAtMs
    }

    /// Creates a new, empty segment and its files.
    static func create(
        baseOffset: Int64, directory: FilePath, fileSystem: any FileSystem, indexIntervalBytes: Int, nowMs: Int64
    ) throws -> Segment {
        let segment = Segment(
            baseOffset: baseOffset, directory: directory, fileSystem: fileSystem,
            indexIntervalBytes: indexIntervalBytes, size: 0, nextOffset: baseOffset,
            maxTimestamp: .min, createdAtMs: nowMs)
        segment.file = try fileSystem.openFile(segment.logPath, create: true)
        try segment.file?.truncate(to: 0)
        segment.offsetIndex = OffsetIndex()
        segment.timeIndex = TimeIndex()
        try segment.makeIndexesWritable(truncate: true)
        return segment
    }

    /// Opens the `.log` file if it is not open. Returns true when it had to be opened.
    @discardableResult
    func openFile() throws -> Bool {
        if file != nil { return false }
        file = try fileSystem.openFile(logPath, create: false)
        // Segments are read front to back (consumers, recovery): ask for a larger read-ahead.
        file?.adviseSequentialReads()
        return true
    }

    /// Forgets the `.log` file of a segment that is not active. Files are never closed
    /// explicitly: the flusher thread may still hold one to `fsync`, and the descriptor closes
    /// when the last reference goes.
    func closeFile() {
        file = nil
    }

    /// Lets the indexes take entries; `truncate` empties their files first (a new segment, or
    /// a rebuild), creating them when missing.
    private func makeIndexesWritable(truncate: Bool) throws {
        if truncate {
            let (index, time) = try openIndexFiles()
            try index.truncate(to: 0)
            try time.truncate(to: 0)
        }
        indexesWritable = true
    }

    /// Both index files, opened (created when missing) for one write, cut or sync; they close
    /// when the caller lets them go.
    private func openIndexFiles() throws -> (index: any LogFile, time: any LogFile) {
        (try fileSystem.openFile(indexPath, create: true), try fileSystem.openFile(timeIndexPath, create: true))
    }

    // MARK: Appending

    /// Appends a validated batch at the end of the segment. The caller checked its offsets.
    func append(_ batch: ByteBuffer, header: RecordBatchHeader) throws {
        precondition(header.baseOffset == nextOffset, "batches in a segment have contiguous offsets")
        precondition(size + Int64(batch.readableBytes) <= Int64(UInt32.max))
        let file = try self.file ?? { try openFile(); return self.file! }()
        let position = size
        if !indexesWritable { try loadIndexes(); try makeIndexesWritable(truncate: false) }
        if let writes {
            writes.enqueue(batch, to: file, at: position, writtenSize: writtenSize)
        } else {
            try file.write(batch, at: position)
        }
        if offsetIndex!.entries.isEmpty || position - lastIndexedPosition >= Int64(indexIntervalBytes) {
            try addIndexEntries(relativeOffset: UInt32(header.baseOffset - baseOffset), position: position)
        }
        size += Int64(batch.readableBytes)
        nextOffset = header.nextOffset
        maxTimestamp = max(maxTimestamp, header.maxTimestamp)
    }

    private func addIndexEntries(relativeOffset: UInt32, position: Int64) throws {
        let entry = OffsetIndexEntry(relativeOffset: relativeOffset, position: UInt32(position))
        let timeEntry = TimeIndexEntry(maxTimestampBefore: maxTimestamp, relativeOffset: relativeOffset)
        // The buffers keep their memory once cleared, so appends do not allocate for entries.
        OffsetIndex.encode(entry, into: &unwrittenIndex)
        TimeIndex.encode(timeEntry, into: &unwrittenTimeIndex)
        unwrittenEntries += 1
        offsetIndex!.append(entry)
        timeIndex!.append(timeEntry)
        lastIndexedPosition = position
        // The indexes can be rebuilt from the log: failing to write a group here (no descriptor
        // free to open the files, say) must not fail the append. The entries stay in memory for
        // the next group, the roll or the close, which report a failure that lasts.
        if unwrittenEntries >= LogLimits.indexEntriesUnwrittenMax { try? writeIndexEntries() }
    }

    /// Writes the index entries held in memory only to the index files.
    func writeIndexEntries() throws {
        guard unwrittenEntries > 0 else { return }
        guard indexesWritable else { return discardUnwrittenIndexEntries() }
        let first = offsetIndex!.entries.count - unwrittenEntries
        let (index, time) = try openIndexFiles()
        try index.write(unwrittenIndex, at: Int64(first * OffsetIndex.entryBytes))
        try time.write(unwrittenTimeIndex, at: Int64(first * TimeIndex.entryBytes))
        unwrittenIndex.clear()
        unwrittenTimeIndex.clear()
        unwrittenEntries = 0
    }

    /// Forgets index entries not yet written (their files are being rewritten or dropped).
    private func discardUnwrittenIndexEntries() {
        unwrittenIndex.clear()
        unwrittenTimeIndex.clear()
        unwrittenEntries = 0
    }

    // MARK: Indexes

    /// Loads both index files, rebuilding them from the log when missing or damaged.
    func loadIndexes() throws {
        if offsetIndex != nil && timeIndex != nil { return }
        let offsets = try readIndexFile(indexPath).flatMap { OffsetIndex.decode($0, logSize: size) }
        let times = try readIndexFile(timeIndexPath).flatMap { TimeIndex.decode($0) }
        if let offsets, let times, offsets.entries.count == times.entries.count,
            zip(offsets.entries, times.entries).allSatisfy({ $0.relativeOffset == $1.relativeOffset })
        {
            offsetIndex = offsets
            timeIndex = times
            lastIndexedPosition = Int64(offsets.entries.last?.position ?? 0)
        } else {
            try rebuildIndexes()
        }
    }

    private func readIndexFile(_ path: FilePath) throws -> ByteBuffer? {
        guard fileSystem.fileExists(path) else { return nil }
        let file = try fileSystem.openFile(path, create: false)
        defer { try? file.close() }
        let size = try file.size()
        return try file.readFully(count: Int(size), at: 0)
    }

    /// Rebuilds both indexes from a scan of the whole segment (done here unless given), and
    /// rewrites their files.
    func rebuildIndexes(using existingScan: SegmentScan? = nil) throws {
        let scan = try existingScan ?? self.scan(from: 0, expectedOffset: baseOffset, limit: size)
        offsetIndex = OffsetIndex()
        timeIndex = TimeIndex()
        discardUnwrittenIndexEntries()
        lastIndexedPosition = 0
        maxTimestamp = .min
        let wasActive = indexesWritable
        try makeIndexesWritable(truncate: true)
        defer {
            if !wasActive {
                discardUnwrittenIndexEntries()  // Only left behind when a write failed.
                indexesWritable = false
            }
        }
        for batch in scan.batches {
            if offsetIndex!.entries.isEmpty || batch.position - lastIndexedPosition >= Int64(indexIntervalBytes) {
                try addIndexEntries(relativeOffset: UInt32(batch.baseOffset - baseOffset), position: batch.position)
            }
            maxTimestamp = max(maxTimestamp, batch.maxTimestamp)
        }
        try writeIndexEntries()
    }

    /// Byte position where a scan for `offset` starts (at or before the batch holding it).
    func startPosition(for offset: Int64) throws -> Int64 {
        try loadIndexes()
        guard offset > baseOffset else { return 0 }
        let relative = UInt32(clamping: offset - baseOffset)
        return Int64(offsetIndex!.floorEntry(relativeOffset: relative)?.position ?? 0)
    }

    /// Byte position where a scan for the first record with a timestamp >= `timestamp` starts.
    func startPosition(forTimestamp timestamp: Int64) throws -> Int64 {
        try loadIndexes()
        let relative = timeIndex!.scanStart(forTimestamp: timestamp)
        return try startPosition(for: baseOffset + Int64(relative))
    }

    /// The largest record timestamp of the batches before the indexed batch at `position`.
    func maxTimestampBefore(position: Int64) throws -> Int64 {
        try loadIndexes()
        guard let entry = offsetIndex!.entries.last(where: { Int64($0.position) == position }) else { return .min }
        return timeIndex!.entries.last { $0.relativeOffset == entry.relativeOffset }?.maxTimestampBefore ?? .min
    }

    /// The base offset of the indexed batch at `position` (0 is the segment's base offset).
    func offsetAt(position: Int64) throws -> Int64 {
        try loadIndexes()
        let entry = offsetIndex!.entries.last { Int64($0.position) == position }
        return baseOffset + Int64(entry?.relativeOffset ?? 0)
    }

    /// Position of the last index entry (where a cheap tail check starts) and the largest
    /// timestamp before it, from the index files alone.
    func lastIndexedBatch() throws -> (position: Int64, maxTimestampBefore: Int64, relativeOffset: UInt32) {
        try loadIndexes()
        guard let last = offsetIndex!.entries.last, let time = timeIndex!.entries.last else {
            return (0, .min, 0)
        }
        return (Int64(last.position), time.maxTimestampBefore, last.relativeOffset)
    }

    // MARK: Reading, truncation, durability

    /// Reads up to `count` bytes of the `.log` file at `position` (fewer at the end).
    func read(at position: Int64, count: Int) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try read(at: position, count: count, into: &buffer)
        return buffer
    }

    /// Replaces the contents of `buffer` with up to `count` bytes of the `.log` file at
    /// `position`, reusing its memory when no one else holds it.
    func read(at position: Int64, count: Int, into buffer: inout ByteBuffer) throws {
        try openFile()
        let wanted = Int(max(0, min(Int64(count), size - position)))
        try waitUntilWritten(upTo: position + Int64(wanted))
        buffer.clear(minimumCapacity: wanted)
        guard wanted > 0 else { return }
        try file!.readFully(into: &buffer, count: wanted, at: position)
    }

    /// Makes sure the bytes below `end` are in the `.log` file, writing the queued ones now if
    /// they are not (see `WriteBehind`).
    func waitUntilWritten(upTo end: Int64) throws {
        guard let writes, end > writtenSize.load(ordering: .sequentiallyConsistent) else { return }
        try writes.finish()
    }

    /// Cuts the segment at byte `position`, where a batch starting at `nextOffset` began.
    func truncate(toPosition position: Int64, nextOffset: Int64, maxTimestamp: Int64) throws {
        try loadIndexes()
        let wasActive = indexesWritable
        if !wasActive { try makeIndexesWritable(truncate: false) }
        defer {
            if !wasActive { indexesWritable = false }
        }
        try writeIndexEntries()  // The files are cut to the entries kept below.
        try openFile()
        try file!.truncate(to: position)
        let relative = UInt32(clamping: nextOffset - baseOffset)
        let kept = offsetIndex!.truncate(toPosition: UInt32(clamping: position))
        let keptTimes = timeIndex!.truncate(fromRelativeOffset: relative)
        precondition(kept == keptTimes, "offset and time index entries are added together")
        let (index, time) = try openIndexFiles()
        try index.truncate(to: Int64(kept * OffsetIndex.entryBytes))
        try time.truncate(to: Int64(kept * TimeIndex.entryBytes))
        lastIndexedPosition = Int64(offsetIndex!.entries.last?.position ?? 0)
        size = position
        self.nextOffset = nextOffset
        self.maxTimestamp = maxTimestamp
    }

    /// Sets what a tail check of a segment found, for a segment opened from disk.
    func restore(size: Int64? = nil, nextOffset: Int64, maxTimestamp: Int64) {
        if let size { self.size = size }
        self.nextOffset = nextOffset
        self.maxTimestamp = maxTimestamp
    }

    /// Cuts the `.log` file at `position` without touching the indexes (recovery rebuilds them).
    func cutFile(to position: Int64) throws {
        try openFile()
        if try file!.size() != position { try file!.truncate(to: position) }
        size = position
    }

    /// fsyncs the `.log` file (the indexes are rebuilt if lost, so they are synced only by
    /// `syncIndexes`).
    func syncLog() throws {
        try file?.sync()
    }

    /// fsyncs both index files (on roll and on close).
    func syncIndexes() throws {
        try writeIndexEntries()
        guard indexesWritable else { return }
        let (index, time) = try openIndexFiles()
        try index.sync()
        try time.sync()
    }

    /// Forgets every file of the segment (see `closeFile`), and index entries not yet written
    /// (`syncIndexes` writes them first on a clean close).
    func close() {
        discardUnwrittenIndexEntries()
        closeFile()
        indexesWritable = false
    }

    /// Writes the index entries still in memory, then hands over the index files of a segment
    /// that stops being active, for the flusher to `fsync`, and forgets them.
    func takeIndexFiles() throws -> [any LogFile] {
        try writeIndexEntries()
        guard indexesWritable else { return [] }
        indexesWritable = false
        let (index, time) = try openIndexFiles()
        return [index, time]
    }

    /// Drops the in-memory indexes of an inactive segment; they are reloaded on demand.
    func dropIndexes() {
        precondition(!indexesWritable, "only inactive segments drop their indexes")
        precondition(unwrittenEntries == 0, "an inactive segment has written its index entries")
        offsetIndex = nil
        timeIndex = nil
    }

    /// The segment's three files.
    var filePaths: [FilePath] { [logPath, indexPath, timeIndexPath] }

    /// Closes and removes the segment's three files.
    func delete() throws {
        close()
        try fileSystem.removeFile(logPath)
        try fileSystem.removeFile(indexPath)
        try fileSystem.removeFile(timeIndexPath)
    }
}
