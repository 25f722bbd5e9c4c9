// TimeIndex.swift: the sparse time index of one segment (`<baseOffset>.timeindex`).
//
// Byte layout (mirrored in docs/formats/time-index.md). A sequence of 12-byte entries, no header:
//
//   offset size  field
//   0      8     maxTimestampBefore  int64 BE   largest record timestamp of all batches of the
//                                               segment before this batch (Int64.min if none)
//   8      4     relativeOffset      uint32 BE  base offset of the batch - segment base offset
//
// An entry is written together with each offset-index entry, for the same batch. To find the
// first record with timestamp >= t, take the last entry with maxTimestampBefore < t: every
// record before its batch is older than t, so the scan starts at that batch (found through the
// offset index, which has an entry for the same relative offset). Timestamps need not increase.

import NIOCore

/// One entry of the time index.
struct TimeIndexEntry: Equatable, Sendable {
    var maxTimestampBefore: Int64
    var relativeOffset: UInt32
}

/// The sparse time index of a segment, kept in memory; the file mirrors `entries`.
struct TimeIndex: Sendable {
    static let entryBytes = 12
    private(set) var entries: [TimeIndexEntry] = []

    /// Decodes a time index file; returns nil when damaged (torn entry, decreasing fields).
    static func decode(_ buffer: ByteBuffer) -> TimeIndex? {
        guard buffer.readableBytes % entryBytes == 0 else { return nil }
        var index = TimeIndex()
        var cursor = buffer
        while let timestamp = cursor.readInteger(as: Int64.self), let relative = cursor.readInteger(as: UInt32.self) {
            if let last = index.entries.last {
                guard relative > last.relativeOffset, timestamp >= last.maxTimestampBefore else { return nil }
            }
            index.entries.append(TimeIndexEntry(maxTimestampBefore: timestamp, relativeOffset: relative))
        }
        return index
    }

    static func encode(_ entry: TimeIndexEntry, into buffer: inout ByteBuffer) {
        buffer.writeInteger(entry.maxTimestampBefore)
        buffer.writeInteger(entry.relativeOffset)
    }

    mutating func append(_ entry: TimeIndexEntry) {
        entries.append(entry)
    }

    /// The relative offset where a search for timestamp `timestamp` starts scanning.
    func scanStart(forTimestamp timestamp: Int64) -> UInt32 {
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].maxTimestampBefore < timestamp { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? 0 : entries[low - 1].relativeOffset
    }

    /// Drops entries for batches at or after `relativeOffset`.
    mutating func truncate(fromRelativeOffset relativeOffset: UInt32) -> Int {
        while let last = entries.last, last.relativeOffset >= relativeOffset { entries.removeLast() }
        return entries.count
    }
}
