// TailCache.swift: the most recent batches of a log, kept in memory for readers at the tail.

import DequeModule

/// The newest batches of a partition, bounded by bytes. Appends add to it and evict from the
/// front; reads of older offsets go to the segment files and never enter the cache, so a
/// reader far behind cannot evict the tail that current readers use.
struct TailCache {
    let capacityBytes: Int
    private(set) var batches: Deque<RecordBatch> = []
    private(set) var bytes = 0

    init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
    }

    /// First offset the cache holds, or nil when empty.
    var firstOffset: Int64? { batches.first?.baseOffset }

    mutating func append(_ batch: RecordBatch) {
        guard batch.header.totalBytes <= capacityBytes else {
            removeAll()
            return
        }
        batches.append(batch)
        bytes += batch.header.totalBytes
        while bytes > capacityBytes, let first = batches.popFirst() {
            bytes -= first.header.totalBytes
        }
    }

    /// Index of the cached batch holding `offset`, or nil when the cache does not cover it.
    func index(of offset: Int64) -> Int? {
        guard let first = batches.first, offset >= first.baseOffset, let last = batches.last,
            offset <= last.lastOffset
        else { return nil }
        var low = 0
        var high = batches.count - 1
        while low < high {
            let mid = (low + high) / 2
            if batches[mid].lastOffset < offset { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Drops batches holding offsets at or past `offset` (after a truncation).
    mutating func truncate(from offset: Int64) {
        while let last = batches.last, last.lastOffset >= offset {
            bytes -= last.header.totalBytes
            batches.removeLast()
        }
    }

    /// Drops batches entirely below `offset` (after segments are deleted).
    mutating func removeBelow(_ offset: Int64) {
        while let first = batches.first, first.lastOffset < offset {
            bytes -= first.header.totalBytes
            batches.removeFirst()
        }
    }

    mutating func removeAll() {
        batches.removeAll()
        bytes = 0
    }
}
