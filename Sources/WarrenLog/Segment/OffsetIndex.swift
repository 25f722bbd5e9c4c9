// OffsetIndex.swift: the sparse offset index of one segment (`<baseOffset>.index`).
//
// Byte layout (mirrored in docs/formats/offset-index.md). The file is a sequence of 8-byte
// entries with no header, as Kafka's `.index`:
//
//   offset size  field
//   0      4     relativeOffset  uint32 BE   base offset of a batch - segment base offset
//   4      4     position        uint32 BE   byte position of that batch in the `.log` file
//
// One entry is added for the first batch of a segment and then for the first batch that starts
// at least `indexIntervalBytes` after the previous entry. Both fields strictly increase. The
// index is rebuilt from the log when it is missing or fails these checks, so it is never fsynced
// on the append path (only when a segment is rolled or the log is closed).

import NIOCore

/// One entry of the sparse offset index.
struct OffsetIndexEntry: Equatable, Sendable {
    var relativeOffset: UInt32
    var position: UInt32
}

/// The sparse offset index of a segment, kept in memory; the file mirrors `entries`.
struct OffsetIndex: Sendable {
    static let entryBytes = 8
    private(set) var entries: [OffsetIndexEntry] = []

    /// Decodes an index file; returns nil when it is damaged (torn entry, or fields that do not
    /// strictly increase, or a position at or past `logSize`).
    static func decode(_ buffer: ByteBuffer, logSize: Int64) -> OffsetIndex? {
        guard buffer.readableBytes % entryBytes == 0 else { return nil }
        var index = OffsetIndex()
        var cursor = buffer
        index.entries.reserveCapacity(buffer.readableBytes / entryBytes)
        while let relative = cursor.readInteger(as: UInt32.self), let position = cursor.readInteger(as: UInt32.self) {
            let entry = OffsetIndexEntry(relativeOffset: relative, position: position)
            guard Int64(position) < logSize else { return nil }
            if let last = index.entries.last {
                guard relative > last.relativeOffset, position > last.position else { return nil }
            } else if relative != 0 || position != 0 {
                return nil
            }
            index.entries.append(entry)
        }
        return index
    }

    static func encode(_ entry: OffsetIndexEntry, into buffer: inout ByteBuffer) {
        buffer.writeInteger(entry.relativeOffset)
        buffer.writeInteger(entry.position)
    }

    mutating func append(_ entry: OffsetIndexEntry) {
        if let last = entries.last {
            precondition(entry.relativeOffset > last.relativeOffset && entry.position > last.position)
        }
        entries.append(entry)
    }

    /// The last entry whose relative offset is at most `relativeOffset` (where to start a scan).
    func floorEntry(relativeOffset: UInt32) -> OffsetIndexEntry? {
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].relativeOffset <= relativeOffset { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? nil : entries[low - 1]
    }

    /// Drops entries at or after byte `position`; returns how many entries remain.
    mutating func truncate(toPosition position: UInt32) -> Int {
        while let last = entries.last, last.position >= position { entries.removeLast() }
        return entries.count
    }
}
