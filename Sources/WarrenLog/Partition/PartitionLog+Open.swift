// PartitionLog+Open.swift: opening a log directory, with crash recovery.
//
// After a clean shutdown (the `.clean-shutdown` marker is present) opening reads each
// segment's index files and validates only the batches after each segment's last index entry
// (at most `indexIntervalBytes` plus one batch), never whole segments. After a crash the active
// (last) segment is validated batch by batch (length, CRC-32C, contiguous offsets), cut at the
// first torn or corrupt batch, and its indexes rebuilt. A damaged or missing index of any
// segment is rebuilt from that segment. If an older segment's tail fails validation, the log is
// cut there and the later segments dropped: under every durability policy a later segment can
// only be durable once the earlier one is, so nothing that was reported durable is lost.

import Logging
import NIOCore
import SystemPackage

extension PartitionLog {
    /// Opens (creating if needed) the log in `directory`, recovering from a crash if the last
    /// close was not clean.
    ///
    /// - Parameters:
    ///   - flusher: the thread that runs this log's `fsync`s; pass one shared by many logs, or
    ///     nil to give the log its own (stopped by `close`).
    public static func open(
        directory: FilePath,
        configuration: Configuration = Configuration(),
        fileSystem: any FileSystem = POSIXFileSystem(),
        clock: any LogClock = SystemLogClock(),
        flusher: LogFlusher? = nil,
        logger: Logger = Logger(label: "warren.log")
    ) throws -> PartitionLog {
        precondition(configuration.segmentBytes > 0 && configuration.indexIntervalBytes > 0)
        try fileSystem.createDirectory(directory)
        let marker = directory.appending(cleanShutdownMarker)
        let clean = fileSystem.fileExists(marker)
        let now = clock.nowMilliseconds()
        var segments = try loadSegments(directory, configuration, fileSystem, clean: clean, nowMs: now, logger)
        if segments.isEmpty {
            segments = [
                try Segment.create(
                    baseOffset: 0, directory: directory, fileSystem: fileSystem,
                    indexIntervalBytes: configuration.indexIntervalBytes, nowMs: now)
            ]
        }
        // Whatever survived is on disk now; make it durable before calling it durable.
        try segments[segments.count - 1].openFile()
        try segments[segments.count - 1].syncLog()
        if clean {
            try fileSystem.removeFile(marker)
        }
        try fileSystem.syncDirectory(directory)
        let log = PartitionLog(
            directory: directory, configuration: configuration, fileSystem: fileSystem, clock: clock,
            logger: logger, flusher: flusher, segments: segments,
            durableOffset: segments[segments.count - 1].nextOffset)
        return log
    }

    private static func loadSegments(
        _ directory: FilePath, _ configuration: Configuration, _ fileSystem: any FileSystem,
        clean: Bool, nowMs: Int64, _ logger: Logger
    ) throws -> [Segment] {
        let names = try fileSystem.listDirectory(directory)
        let bases = names.compactMap { name -> Int64? in
            guard name.hasSuffix(".log"), name.count == 24 else { return nil }
            return Int64(name.dropLast(4))
        }.sorted()
        var segments: [Segment] = []
        for (position, base) in bases.enumerated() {
            let isLast = position == bases.count - 1
            let segment = try openSegment(
                base, directory, configuration, fileSystem, fullScan: !clean && isLast, nowMs: nowMs)
            if let previous = segments.last, previous.nextOffset != base {
                logger.error("segment \(base) does not follow offset \(previous.nextOffset); dropping later segments")
                try dropSegments(bases[position...], directory, fileSystem)
                break
            }
            segments.append(segment.segment)
            if !isLast { segment.segment.closeFile() }
            if let problem = segment.problem {
                logger.warning("cut segment \(base) at offset \(segment.segment.nextOffset): \(problem)")
                if !isLast {
                    try dropSegments(bases[(position + 1)...], directory, fileSystem)
                    break
                }
            }
        }
        for segment in segments.dropLast() { segment.dropIndexes() }
        return segments
    }

    private static func dropSegments(
        _ bases: ArraySlice<Int64>, _ directory: FilePath, _ fileSystem: any FileSystem
    ) throws {
        for base in bases {
            for suffix in ["log", "index", "timeindex"] {
                try fileSystem.removeFile(directory.appending(Segment.fileName(base, suffix)))
            }
        }
    }

    /// Opens one segment: a full validation when `fullScan`, else a check of its tail only.
    private static func openSegment(
        _ base: Int64, _ directory: FilePath, _ configuration: Configuration, _ fileSystem: any FileSystem,
        fullScan: Bool, nowMs: Int64
    ) throws -> (segment: Segment, problem: LogError?) {
        let segment = Segment(
            baseOffset: base, directory: directory, fileSystem: fileSystem,
            indexIntervalBytes: configuration.indexIntervalBytes, size: 0, nextOffset: base,
            maxTimestamp: .min, createdAtMs: nowMs)
        try segment.openFile()
        let fileSize = try segment.file!.size()
        segment.restore(size: fileSize, nextOffset: base, maxTimestamp: .min)
        let scan: SegmentScan
        var maxBefore = Int64.min
        if fullScan {
            scan = try segment.scan(from: 0, expectedOffset: base, limit: fileSize)
        } else {
            let last = try segment.lastIndexedBatch()
            maxBefore = last.maxTimestampBefore
            scan = try segment.scan(from: last.position, expectedOffset: base + Int64(last.relativeOffset), limit: fileSize)
        }
        let maxTimestamp = max(maxBefore, scan.maxTimestamp)
        if fullScan {
            try segment.cutFile(to: scan.validEnd)
            segment.restore(nextOffset: scan.nextOffset, maxTimestamp: maxTimestamp)
            try segment.rebuildIndexes(using: scan)
        } else if scan.problem != nil {
            try segment.truncate(toPosition: scan.validEnd, nextOffset: scan.nextOffset, maxTimestamp: maxTimestamp)
        } else {
            segment.restore(nextOffset: scan.nextOffset, maxTimestamp: maxTimestamp)
        }
        return (segment, scan.problem)
    }
}
