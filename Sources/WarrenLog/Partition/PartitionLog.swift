// PartitionLog.swift: one partition's append-only log of RecordBatch v2 segments.

import Dispatch
import Logging
import NIOCore
import SystemPackage

/// One partition: an append-only sequence of records with offsets `logStartOffset ..<
/// logEndOffset`, stored as RecordBatch v2 segments in one directory.
///
/// Threading contract: a `PartitionLog` belongs to one thread (in the broker, the event loop
/// that owns the partition). Every method must be called from that thread; none blocks on
/// `fsync`. Durability is tracked apart from the log end: `append` returns as soon as the bytes
/// are written to the file (or, with `writesInBackground`, queued for the flusher to write),
/// and a `LogFlusher` thread makes them durable and reports it
/// through `whenDurable` callbacks and the durability listener, which run on the flusher
/// thread. `highWatermark` may be read from any thread. `truncate`, `deleteSegments` and
/// `close` wait for an `fsync` already under way for this log to finish.
public final class PartitionLog {
    /// Settings of one log.
    public struct Configuration: Sendable {
        /// Roll to a new segment when the active one would grow past this.
        public var segmentBytes: Int = LogLimits.segmentBytesDefault
        /// Roll to a new segment when the active one is older than this (by the log's clock).
        public var segmentMaxAge: Duration?
        /// Bytes between sparse index entries.
        public var indexIntervalBytes: Int = LogLimits.indexIntervalBytesDefault
        /// When appends are made durable.
        public var durability: DurabilityPolicy = .always
        /// Bytes of recent batches kept in memory for tail readers.
        public var tailCacheBytes: Int = LogLimits.tailCacheBytesDefault
        /// When old segments are deleted.
        public var retention = RetentionPolicy()
        /// Segment files kept open for reading.
        public var openSegmentFilesMax: Int = LogLimits.openSegmentFilesMax
        /// Segments deleted by retention have their files removed on a background thread
        /// (unlinking a 64 MiB file and syncing the directory take milliseconds), instead of on
        /// the caller's. `close` waits for them.
        public var removesSegmentsInBackground = false
        /// Appended batches are written to the segment file by the flusher thread, just before
        /// it syncs them, instead of by `append` on the caller's (see `WriteBehind`). Reads of
        /// bytes not yet written, truncation and `close` write them first; so does an append
        /// that finds more than `unwrittenBytesMax` queued. A log released without `close`
        /// loses what was still queued, as a crashed process would.
        public var writesInBackground = false
        /// With `writesInBackground`: bytes queued before `append` writes them itself.
        public var unwrittenBytesMax: Int = LogLimits.unwrittenBytesMaxDefault
        /// Lets the owner hold back the flusher's wake-ups while `FlusherRequestHold.hold()`
        /// is in force (see there). Nil: every request wakes the flusher at once.
        public var flusherRequestHold: FlusherRequestHold?

        /// Creates the default configuration.
        public init() {}
    }

    /// Offsets of an appended batch.
    public struct AppendResult: Sendable, Equatable {
        /// Offset of the first record.
        public var baseOffset: Int64
        /// Offset of the last record.
        public var lastOffset: Int64
    }

    /// Whether a read may return records that are not durable yet.
    public enum ReadIsolation: Sendable {
        /// Read up to the log end offset.
        case logEnd
        /// Read up to the high watermark (durable records only).
        case durable
    }

    let directory: FilePath
    var configuration: Configuration
    let fileSystem: any FileSystem
    let clock: any LogClock
    let logger: Logger
    let flusher: LogFlusher
    let ownsFlusher: Bool
    /// Background removals of deleted segments' files still running (see
    /// `Configuration.removesSegmentsInBackground`).
    let segmentRemovals = DispatchGroup()
    let durability: DurabilityTracker
    /// Batches appended but not yet written, with `writesInBackground`.
    let writes: WriteBehind?

    var segments: [Segment]
    var tailCache: TailCache
    var openReadFiles: [Int64] = []  // base offsets of inactive segments with an open file, LRU last
    var floors: [String: Int64] = [:]
    var lastFlushRequestMs: Int64
    var isClosed = false
    var readBuffer = ByteBuffer()
    /// This log asked for a flusher turn that `configuration.flusherRequestHold` still holds.
    var flusherRequestIsHeld = false

    /// The leader epoch stamped on appended batches (replication sets it).
    public var leaderEpoch: Int32 = 0

    /// Name of the marker written by `close` and removed by `open`.
    static let cleanShutdownMarker = ".clean-shutdown"

    init(
        directory: FilePath, configuration: Configuration, fileSystem: any FileSystem, clock: any LogClock,
        logger: Logger, flusher: LogFlusher?, segments: [Segment], durableOffset: Int64
    ) {
        self.directory = directory
        self.configuration = configuration
        self.fileSystem = fileSystem
        self.clock = clock
        self.logger = logger
        self.flusher = flusher ?? LogFlusher()
        self.ownsFlusher = flusher == nil
        self.segments = segments
        self.tailCache = TailCache(capacityBytes: configuration.tailCacheBytes)
        self.lastFlushRequestMs = clock.nowMilliseconds()
        let fileSystem = fileSystem
        let writes = configuration.writesInBackground ? WriteBehind() : nil
        self.writes = writes
        for segment in segments { segment.writes = writes }
        self.durability = DurabilityTracker(durableOffset: durableOffset, writes: writes) {
            try fileSystem.syncDirectory(directory)
        }
    }

    deinit {
        // A log dropped without `close` is treated as a crash on the next open: what it had
        // not written is lost. Its own flusher thread still has to stop.
        if !isClosed { writes?.discard() }
        if ownsFlusher && !isClosed { flusher.shutdown() }
    }

    /// First offset still in the log.
    public var logStartOffset: Int64 { segments[0].baseOffset }
    /// Offset the next appended record will get.
    public var logEndOffset: Int64 { segments[segments.count - 1].nextOffset }
    /// Offset after the last durable record: records below it survive a crash.
    public var highWatermark: Int64 { durability.currentDurableOffset }
    /// Reads `highWatermark` from any thread, without holding the log.
    public var highWatermarkReader: @Sendable () -> Int64 {
        let durability = self.durability
        return { durability.currentDurableOffset }
    }
    /// The storage failure that stopped the log, if one did; nothing is durable past it.
    public var storageFailure: LogError? { durability.currentFailure }
    /// Total bytes of all segment files.
    public var sizeBytes: Int64 { segments.reduce(0) { $0 + $1.size } }
    /// Number of segments.
    public var segmentCount: Int { segments.count }
    /// Offset after the oldest segment: retention can delete something only once a floor
    /// (under `.workQueue`) reaches it.
    public var oldestSegmentEndOffset: Int64 { segments[0].nextOffset }
    var activeSegment: Segment { segments[segments.count - 1] }

    // MARK: Append

    /// Appends `records` (`LogRecord`s or another `LogRecordSource`) as one batch and returns
    /// their offsets. The bytes are written before this returns; they are durable once
    /// `highWatermark > lastOffset` (see `whenDurable`).
    @discardableResult
    public func append<Records: LogRecordSource>(_ records: Records) throws -> AppendResult {
        guard !isClosed else { throw LogError.closed }
        if let failure = durability.currentFailure { throw failure }
        guard records.recordCount > 0 else { throw LogError.emptyAppend }
        let bytes = RecordBatchV2.encodedSize(of: records)
        guard bytes <= LogLimits.batchBytesMax else {
            throw LogError.batchTooLarge(bytes: bytes, limit: LogLimits.batchBytesMax)
        }
        let now = clock.nowMilliseconds()
        if shouldRoll(adding: bytes, nowMs: now) { try roll(nowMs: now) }
        var buffer = ByteBufferAllocator().buffer(capacity: bytes)
        let header = RecordBatchV2.encode(
            records, baseOffset: logEndOffset, leaderEpoch: leaderEpoch, encodedSize: bytes, into: &buffer)
        // Pair assertion, in debug builds (every test): the encoded batch reads back as a reader
        // would read it, before it reaches the disk. Release builds skip the second checksum.
        assert({
            var check = buffer
            return buffer.readableBytes == header.totalBytes
                && (try? RecordBatchV2.decodeBatch(from: &check))??.header == header
        }(), "the encoder produced a batch its own decoder rejects")
        let batch = RecordBatch(header: header, bytes: buffer)
        do {
            try activeSegment.append(buffer, header: header)
        } catch {
            durability.fail(.storageFailed("append: \(error)"))
            throw error
        }
        tailCache.append(batch)
        try requestDurability(nowMs: now)
        return AppendResult(baseOffset: header.baseOffset, lastOffset: header.lastOffset)
    }

    /// Appends a batch exactly as another log stored it (a follower copying its leader). The
    /// batch was validated when decoded; its base offset must be the log end offset, and its
    /// bytes, leader epoch included, are stored unchanged.
    @discardableResult
    public func append(batch: RecordBatch) throws -> AppendResult {
        guard !isClosed else { throw LogError.closed }
        if let failure = durability.currentFailure { throw failure }
        guard batch.baseOffset == logEndOffset else {
            throw LogError.malformedBatch(baseOffset: batch.baseOffset, reason: "expected base offset \(logEndOffset)")
        }
        let now = clock.nowMilliseconds()
        if shouldRoll(adding: batch.header.totalBytes, nowMs: now) { try roll(nowMs: now) }
        do {
            try activeSegment.append(batch.bytes, header: batch.header)
        } catch {
            durability.fail(.storageFailed("append: \(error)"))
            throw error
        }
        tailCache.append(batch)
        try requestDurability(nowMs: now)
        return AppendResult(baseOffset: batch.baseOffset, lastOffset: batch.lastOffset)
    }

    private func shouldRoll(adding bytes: Int, nowMs: Int64) -> Bool {
        let active = activeSegment
        guard active.size > 0 else { return false }
        if active.size + Int64(bytes) > Int64(min(configuration.segmentBytes, LogLimits.segmentBytesMax)) {
            return true
        }
        if let age = configuration.segmentMaxAge, nowMs - active.createdAtMs >= age.wholeMilliseconds { return true }
        return false
    }

    /// Starts a new active segment at the log end. The old segment's files go to the flusher,
    /// which syncs them with the next group commit.
    func roll(nowMs: Int64) throws {
        let old = activeSegment
        let segment = try Segment.create(
            baseOffset: old.nextOffset, directory: directory, fileSystem: fileSystem,
            indexIntervalBytes: configuration.indexIntervalBytes, nowMs: nowMs)
        segment.writes = writes
        var files = try old.takeIndexFiles()
        if let file = old.file { files.append(file) }
        segments.append(segment)
        noteOpenReadFile(old)
        if configuration.durability != .never {
            if durability.request(upTo: old.nextOffset, files: files, directory: true) { askFlusher() }
        }
    }

    /// After an append: asks for the flush its policy calls for, and, when the log writes in
    /// the background, for the flusher turn that writes the batch.
    private func requestDurability(nowMs: Int64) throws {
        var requested = false
        switch configuration.durability {
        case .always:
            requestFlush()
            requested = true
        case .interval(let interval):
            if nowMs - lastFlushRequestMs >= interval.wholeMilliseconds {
                requestFlush()
                requested = true
            }
        case .never:
            durability.advanceNow(to: logEndOffset)
        }
        guard let writes else { return }
        if !requested, durability.requestWrite() { askFlusher() }
        if writes.unwrittenBytes > configuration.unwrittenBytesMax { try finishWrites() }
    }

    /// Writes every batch still queued for the flusher (`writesInBackground`), on this thread.
    func finishWrites() throws {
        guard let writes else { return }
        do {
            try writes.finish()
        } catch {
            durability.fail(.storageFailed("append: \(error)"))
            throw error
        }
    }

    /// Asks the flusher to make everything appended so far durable (any policy but `never`).
    public func flush() {
        guard !isClosed else { return }
        if configuration.durability == .never {
            durability.advanceNow(to: logEndOffset)
            return
        }
        requestFlush()
    }

    /// Under the `interval` policy, asks for an `fsync` if the interval has passed since the
    /// last one. The owner calls it from a timer so a quiet log still becomes durable.
    public func flushIfDue() {
        guard case .interval(let interval) = configuration.durability, !isClosed else { return }
        let now = clock.nowMilliseconds()
        if now - lastFlushRequestMs >= interval.wholeMilliseconds, highWatermark < logEndOffset { requestFlush() }
    }

    private func requestFlush() {
        lastFlushRequestMs = clock.nowMilliseconds()
        if durability.request(upTo: logEndOffset, file: activeSegment.file) { askFlusher() }
    }

    /// Queues this log on its flusher, or on the owner's hold while it holds requests.
    private func askFlusher() {
        if let hold = configuration.flusherRequestHold, hold.isHolding {
            if !flusherRequestIsHeld {
                flusherRequestIsHeld = true
                hold.add(self)
            }
        } else {
            flusher.enqueue(durability)
        }
    }

    /// Queues the flusher turn the hold kept back, if any: called by the hold, and before this
    /// log waits for its flusher (which would otherwise wait for a turn nobody asked for).
    func releaseFlusherRequest() {
        guard flusherRequestIsHeld else { return }
        flusherRequestIsHeld = false
        flusher.enqueue(durability)
    }

    // MARK: Durability

    /// Calls `callback` on the flusher thread once the record at `offset` is durable, or with
    /// the storage error if an `fsync` fails first. Calls it at once if already durable.
    public func whenDurable(_ offset: Int64, _ callback: @escaping @Sendable (Result<Void, LogError>) -> Void) {
        durability.whenDurable(offset, callback)
    }

    /// Sets a callback told each new high watermark, and one told the first storage failure,
    /// on the flusher thread (under the `never` policy, on the appending thread).
    public func setDurabilityListener(_ listener: (@Sendable (Int64) -> Void)?,
                                      onFailure: (@Sendable (LogError) -> Void)? = nil) {
        durability.setListener(listener, onFailure: onFailure)
    }

    /// Blocks the calling thread until `offset` is durable; nil on timeout. For tools and tests:
    /// an event loop uses `whenDurable` instead.
    public func waitUntilDurable(_ offset: Int64, timeout: Duration) -> Result<Void, LogError>? {
        releaseFlusherRequest()
        return durability.wait(until: offset, timeout: timeout)
    }

    // MARK: Close

    /// Makes everything durable, syncs the indexes, writes the clean-shutdown marker and
    /// releases the files. The log cannot be used afterwards.
    public func close() throws {
        guard !isClosed else { return }
        segmentRemovals.wait()
        let unwritten = Result { try finishWrites() }
        releaseFlusherRequest()
        durability.waitIdle()
        isClosed = true
        defer {
            for segment in segments { segment.close() }
            if ownsFlusher { flusher.shutdown() }
        }
        if durability.currentFailure != nil { return try unwritten.get() }
        try activeSegment.syncLog()
        try activeSegment.syncIndexes()
        let marker = try fileSystem.openFile(directory.appending(Self.cleanShutdownMarker), create: true)
        try marker.sync()
        try marker.close()
        try fileSystem.syncDirectory(directory)
    }
}
