// PartitionLog+Truncate.swift: cutting the log's head (truncate) and tail (delete segments).

import Dispatch
import NIOCore
import SystemPackage

extension PartitionLog {
    /// Removes every record at or after `offset`, for replication when a follower diverges from
    /// its leader. Batches are atomic: if `offset` falls inside a batch, that whole batch goes
    /// too. Returns the new log end offset (at most `offset`). Waiters on removed offsets fail.
    @discardableResult
    public func truncate(to offset: Int64) throws -> Int64 {
        guard !isClosed else { throw LogError.closed }
        guard offset >= logStartOffset else {
            throw LogError.offsetOutOfRange(requested: offset, logStart: logStartOffset, logEnd: logEndOffset)
        }
        guard offset < logEndOffset else { return logEndOffset }
        try finishWrites()
        releaseFlusherRequest()
        durability.waitIdle()
        while segments.count > 1, activeSegment.baseOffset >= offset {
            let removed = segments.removeLast()
            openReadFiles.removeAll { $0 == removed.baseOffset }
            try removed.delete()
        }
        let segment = activeSegment
        try segment.openFile()
        let cut = try findBatch(containing: offset, in: segment)
        try segment.truncate(toPosition: cut.position, nextOffset: cut.baseOffset, maxTimestamp: cut.maxTimestampBefore)
        try segment.syncLog()
        try fileSystem.syncDirectory(directory)
        tailCache.truncate(from: cut.baseOffset)
        durability.truncate(to: cut.baseOffset)
        openReadFiles.removeAll { $0 == segment.baseOffset }
        return cut.baseOffset
    }

    /// Where the batch holding `offset` starts, and the largest timestamp before it.
    private func findBatch(
        containing offset: Int64, in segment: Segment
    ) throws -> (position: Int64, baseOffset: Int64, maxTimestampBefore: Int64) {
        try segment.loadIndexes()
        let start = try segment.startPosition(for: offset)
        let floorTimestamp = try segment.maxTimestampBefore(position: start)
        let scan = try segment.scan(from: start, expectedOffset: try segment.offsetAt(position: start), limit: segment.size)
        var maxTimestamp = floorTimestamp
        for batch in scan.batches {
            if batch.nextOffset > offset { return (batch.position, batch.baseOffset, maxTimestamp) }
            maxTimestamp = max(maxTimestamp, batch.maxTimestamp)
        }
        if let problem = scan.problem { throw problem }
        return (segment.size, segment.nextOffset, maxTimestamp)
    }

    /// Deletes whole segments whose records all lie below `offset` (never the active segment).
    /// Returns the number of segments deleted; `logStartOffset` moves to the first one left.
    @discardableResult
    public func deleteSegments(before offset: Int64) throws -> Int {
        guard !isClosed else { throw LogError.closed }
        let background = configuration.removesSegmentsInBackground
        var deleted = 0
        var paths: [FilePath] = []
        while segments.count > 1, segments[0].nextOffset <= offset {
            // In the background the flusher need not be idle: a file it still syncs stays open
            // through its own reference, and syncing an unlinked file is harmless.
            if deleted == 0 && !background {
                try finishWrites()
                releaseFlusherRequest()
                durability.waitIdle()
            }
            let removed = segments.removeFirst()
            openReadFiles.removeAll { $0 == removed.baseOffset }
            if background {
                removed.close()
                paths += removed.filePaths
            } else {
                try removed.delete()
            }
            deleted += 1
        }
        if deleted > 0 {
            if background { removeInBackground(paths) } else { try fileSystem.syncDirectory(directory) }
            tailCache.removeBelow(logStartOffset)
        }
        return deleted
    }

    /// One serial thread removes every log's deleted segment files, then syncs the directory.
    /// Failures are ignored, as retention's always were: files left behind come back as the
    /// log's oldest segments at the next open, and retention deletes them again.
    private static let segmentRemover = DispatchQueue(label: "warren.log.segment-remover", qos: .utility)

    private func removeInBackground(_ paths: [FilePath]) {
        let fileSystem = self.fileSystem
        let directory = self.directory
        let removals = segmentRemovals
        removals.enter()
        Self.segmentRemover.async {
            for path in paths { try? fileSystem.removeFile(path) }
            try? fileSystem.syncDirectory(directory)
            removals.leave()
        }
    }
}
