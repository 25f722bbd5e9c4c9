// ConsumerGroupJournal+Codec.swift: byte encoding of journal entries and snapshots (layout in
// ConsumerGroupJournal.swift and docs/formats/group-journal.md).

import NIOCore

/// One change of group state, as journaled.
public enum GroupJournalEntry: Sendable, Equatable {
    /// A group was created at a start offset.
    case created(group: String, startOffset: Int64)
    /// A group was deleted.
    case deleted(group: String)
    /// A group's cursor moved.
    case cursorMoved(group: String, offset: Int64)
    /// A range of offsets was acked.
    case acked(group: String, first: Int64, last: Int64)
    /// An offset's delivery count changed.
    case deliveryCount(group: String, offset: Int64, count: UInt32)

    var group: String {
        switch self {
        case .created(let group, _), .deleted(let group), .cursorMoved(let group, _), .acked(let group, _, _),
            .deliveryCount(let group, _, _):
            return group
        }
    }
}

enum GroupJournalCodec {
    static let journalMagic: [UInt8] = Array("WGJN".utf8)
    static let snapshotMagic: [UInt8] = Array("WGSN".utf8)
    static let version: UInt8 = 1
    static let journalHeaderBytes = 13
    static let entryOverheadBytes = 8

    static func journalHeader(generation: UInt64) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeBytes(journalMagic)
        buffer.writeInteger(version)
        buffer.writeInteger(generation)
        return buffer
    }

    static func writeName(_ name: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(name.utf8.count))
        buffer.writeString(name)
    }

    static func readName(_ buffer: inout ByteBuffer) -> String? {
        guard let length = buffer.readInteger(as: UInt8.self) else { return nil }
        return buffer.readString(length: Int(length))
    }

    /// Appends `length | crc | type | payload` for `entry`.
    static func encode(_ entry: GroupJournalEntry, into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(UInt32(0))
        switch entry {
        case .created(let group, let startOffset):
            buffer.writeInteger(UInt8(1))
            writeName(group, into: &buffer)
            buffer.writeInteger(startOffset)
        case .deleted(let group):
            buffer.writeInteger(UInt8(2))
            writeName(group, into: &buffer)
        case .cursorMoved(let group, let offset):
            buffer.writeInteger(UInt8(3))
            writeName(group, into: &buffer)
            buffer.writeInteger(offset)
        case .acked(let group, let first, let last):
            buffer.writeInteger(UInt8(4))
            writeName(group, into: &buffer)
            buffer.writeInteger(first)
            buffer.writeInteger(last)
        case .deliveryCount(let group, let offset, let count):
            buffer.writeInteger(UInt8(5))
            writeName(group, into: &buffer)
            buffer.writeInteger(offset)
            buffer.writeInteger(count)
        }
        let bodyStart = start + entryOverheadBytes
        let length = buffer.writerIndex - bodyStart
        let crc = buffer.withUnsafeReadableBytes { bytes in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[(bodyStart - buffer.readerIndex)...]))
        }
        buffer.setInteger(UInt32(length), at: start)
        buffer.setInteger(crc, at: start + 4)
    }

    /// Decodes one entry; nil when the bytes end first, or the entry is torn or corrupt.
    static func decode(_ buffer: inout ByteBuffer) -> GroupJournalEntry? {
        let save = buffer
        guard let length = buffer.readInteger(as: UInt32.self), let crc = buffer.readInteger(as: UInt32.self),
            length > 0, Int(length) <= LogLimits.journalEntryBytesMax, var body = buffer.readSlice(length: Int(length))
        else {
            buffer = save
            return nil
        }
        let computed = body.withUnsafeReadableBytes { CRC32C.checksum($0) }
        guard computed == crc, let entry = decodeBody(&body), body.readableBytes == 0 else {
            buffer = save
            return nil
        }
        return entry
    }

    private static func decodeBody(_ body: inout ByteBuffer) -> GroupJournalEntry? {
        guard let type = body.readInteger(as: UInt8.self), let group = readName(&body) else { return nil }
        switch type {
        case 1: return body.readInteger(as: Int64.self).map { .created(group: group, startOffset: $0) }
        case 2: return .deleted(group: group)
        case 3: return body.readInteger(as: Int64.self).map { .cursorMoved(group: group, offset: $0) }
        case 4:
            guard let first = body.readInteger(as: Int64.self), let last = body.readInteger(as: Int64.self), first <= last
            else { return nil }
            return .acked(group: group, first: first, last: last)
        case 5:
            guard let offset = body.readInteger(as: Int64.self), let count = body.readInteger(as: UInt32.self)
            else { return nil }
            return .deliveryCount(group: group, offset: offset, count: count)
        default: return nil
        }
    }

    static func encodeSnapshot(generation: UInt64, groups: [String: ConsumerGroupState]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeBytes(snapshotMagic)
        buffer.writeInteger(version)
        buffer.writeInteger(generation)
        buffer.writeInteger(UInt32(groups.count))
        for name in groups.keys.sorted() {
            let state = groups[name]!
            writeName(name, into: &buffer)
            buffer.writeInteger(state.ackFloor)
            buffer.writeInteger(state.cursor)
            buffer.writeInteger(UInt32(state.ackedRanges.count))
            for range in state.ackedRanges {
                buffer.writeInteger(range.lowerBound)
                buffer.writeInteger(range.upperBound)
            }
            buffer.writeInteger(UInt32(state.deliveryCounts.count))
            for (offset, count) in state.deliveryCounts.sorted(by: { $0.key < $1.key }) {
                buffer.writeInteger(offset)
                buffer.writeInteger(count)
            }
        }
        let crc = buffer.withUnsafeReadableBytes { CRC32C.checksum($0) }
        buffer.writeInteger(crc)
        return buffer
    }

    static func decodeSnapshot(_ input: ByteBuffer) -> (generation: UInt64, groups: [String: ConsumerGroupState])? {
        guard input.readableBytes >= 21 else { return nil }
        var body = input.getSlice(at: input.readerIndex, length: input.readableBytes - 4)!
        let stored = input.getInteger(at: input.writerIndex - 4, as: UInt32.self)!
        guard body.withUnsafeReadableBytes({ CRC32C.checksum($0) }) == stored,
            body.readBytes(length: 4) == snapshotMagic, body.readInteger(as: UInt8.self) == version,
            let generation = body.readInteger(as: UInt64.self), let count = body.readInteger(as: UInt32.self)
        else { return nil }
        var groups: [String: ConsumerGroupState] = [:]
        for _ in 0..<count {
            guard let name = readName(&body), let floor = body.readInteger(as: Int64.self),
                let cursor = body.readInteger(as: Int64.self), let rangeCount = body.readInteger(as: UInt32.self)
            else { return nil }
            var ranges: [ClosedRange<Int64>] = []
            for _ in 0..<rangeCount {
                guard let low = body.readInteger(as: Int64.self), let high = body.readInteger(as: Int64.self), low <= high
                else { return nil }
                ranges.append(low...high)
            }
            guard let countsCount = body.readInteger(as: UInt32.self) else { return nil }
            var counts: [Int64: UInt32] = [:]
            for _ in 0..<countsCount {
                guard let offset = body.readInteger(as: Int64.self), let value = body.readInteger(as: UInt32.self)
                else { return nil }
                counts[offset] = value
            }
            groups[name] = ConsumerGroupState(ackFloor: floor, cursor: cursor, ackedRanges: ranges, deliveryCounts: counts)
        }
        return body.readableBytes == 0 ? (generation, groups) : nil
    }
}
