// RecordBatchV2.swift: Kafka RecordBatch v2 encoder and validating decoder.
//
// Byte layout (all integers big-endian; mirrored in docs/formats/record-batch.md):
//
//   offset size  field
//   0      8     baseOffset            int64   offset of the first record
//   8      4     batchLength           int32   bytes after this field (total = batchLength + 12)
//   12     4     partitionLeaderEpoch  int32   leader epoch that wrote the batch
//   16     1     magic                 int8    always 2
//   17     4     crc                   uint32  CRC-32C of bytes [21, end)
//   21     2     attributes            int16   bits 0-2 compression (0 = none), bit 3 timestamp
//                                              type, bit 4 transactional, bit 5 control; Warren
//                                              writes 0
//   23     4     lastOffsetDelta       int32   last record offset - baseOffset
//   27     8     baseTimestamp         int64   timestamp of the first record (ms since epoch)
//   35     8     maxTimestamp          int64   largest record timestamp
//   43     8     producerId            int64   -1 (no idempotent producer)
//   51     2     producerEpoch         int16   -1
//   53     4     baseSequence          int32   -1
//   57     4     recordCount           int32   number of records
//   61     ...   records
//
// Each record (varint = zig-zag varint, as protobuf's sint64):
//
//   length          varint  bytes of the record after this field
//   attributes      int8    0
//   timestampDelta  varint  timestamp - baseTimestamp
//   offsetDelta     varint  offset - baseOffset
//   keyLength       varint  -1 for a null key
//   key             bytes
//   valueLength     varint  -1 for a null value
//   value           bytes
//   headerCount     varint
//   headers         headerCount x { nameLength varint, name UTF-8, valueLength varint, value }

import NIOCore

/// The fixed 61-byte header of a RecordBatch v2, decoded.
public struct RecordBatchHeader: Sendable, Equatable {
    /// Offset of the first record.
    public var baseOffset: Int64
    /// Bytes after the `batchLength` field.
    public var batchLength: Int32
    /// Leader epoch that wrote the batch (replication will compare it).
    public var partitionLeaderEpoch: Int32
    /// Format version; always 2.
    public var magic: Int8
    /// Stored CRC-32C of bytes 21 to the end.
    public var crc: UInt32
    /// Kafka batch attributes (0 for batches Warren writes).
    public var attributes: Int16
    /// `lastOffset - baseOffset`.
    public var lastOffsetDelta: Int32
    /// Timestamp of the first record.
    public var baseTimestamp: Int64
    /// Largest timestamp in the batch.
    public var maxTimestamp: Int64
    /// Kafka producer id (-1).
    public var producerId: Int64
    /// Kafka producer epoch (-1).
    public var producerEpoch: Int16
    /// Kafka base sequence (-1).
    public var baseSequence: Int32
    /// Number of records.
    public var recordCount: Int32

    /// Offset of the last record.
    public var lastOffset: Int64 { baseOffset + Int64(lastOffsetDelta) }
    /// Offset after the last record.
    public var nextOffset: Int64 { lastOffset + 1 }
    /// Size of the whole batch in bytes.
    public var totalBytes: Int { Int(batchLength) + RecordBatchV2.logOverheadBytes }
}

/// Encoder and decoder of Kafka RecordBatch v2 (layout at the top of this file).
public enum RecordBatchV2 {
    /// Bytes of `baseOffset` + `batchLength`, the part not counted by `batchLength`.
    public static let logOverheadBytes = 12
    /// Size of the fixed batch header.
    public static let headerBytes = 61
    /// Byte offset of the first byte the CRC covers.
    static let crcStart = 21
    /// Byte offset of the CRC field.
    static let crcFieldOffset = 17

    /// Bytes the encoded batch of `records` will take.
    public static func encodedSize<Records: LogRecordSource>(of records: Records) -> Int {
        guard records.recordCount > 0 else { return headerBytes }
        let baseTimestamp = records.timestamp(at: 0)
        var size = headerBytes
        for index in 0..<records.recordCount {
            let body = recordBodySize(records, at: index, baseTimestamp: baseTimestamp)
            size += Varint.size(Int64(body)) + body
        }
        return size
    }

    /// Bytes of record `index` after its length field.
    static func recordBodySize<Records: LogRecordSource>(_ records: Records, at index: Int, baseTimestamp: Int64) -> Int {
        1 + Varint.size(records.timestamp(at: index) &- baseTimestamp) + Varint.size(Int64(index))
            + records.fieldsSize(at: index)
    }

    /// Encodes `records` (at least one) as a batch starting at `baseOffset` and appends it to
    /// `buffer`. Returns the batch's header. The caller checks size limits first; it may pass
    /// `encodedSize(of: records)` if it has it, to save computing it again.
    @discardableResult
    public static func encode<Records: LogRecordSource>(
        _ records: Records,
        baseOffset: Int64,
        leaderEpoch: Int32,
        encodedSize knownSize: Int? = nil,
        into buffer: inout ByteBuffer
    ) -> RecordBatchHeader {
        let count = records.recordCount
        precondition(count > 0, "a batch holds at least one record")
        let start = buffer.writerIndex
        let baseTimestamp = records.timestamp(at: 0)
        var maxTimestamp = baseTimestamp
        for index in 1..<max(1, count) { maxTimestamp = max(maxTimestamp, records.timestamp(at: index)) }
        let total = knownSize ?? encodedSize(of: records)
        assert(total == encodedSize(of: records), "wrong encodedSize passed to encode")
        buffer.reserveCapacity(minimumWritableBytes: total)
        let header = RecordBatchHeader(
            baseOffset: baseOffset, batchLength: Int32(total - logOverheadBytes),
            partitionLeaderEpoch: leaderEpoch, magic: 2, crc: 0, attributes: 0,
            lastOffsetDelta: Int32(count - 1), baseTimestamp: baseTimestamp,
            maxTimestamp: maxTimestamp, producerId: -1, producerEpoch: -1, baseSequence: -1,
            recordCount: Int32(count))
        writeHeader(header, into: &buffer)
        // The records go through one raw pointer: per-field ByteBuffer calls (bounds, capacity
        // and exclusivity checks on each varint byte) cost more than the copying itself.
        let recordsBytes = total - headerBytes
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: recordsBytes) { out in
            var writer = RecordFieldsWriter(RawWriter(out.baseAddress!))
            for index in 0..<count {
                let timestamp = records.timestamp(at: index)
                let body = 1 + Varint.size(timestamp &- baseTimestamp) + Varint.size(Int64(index))
                    + records.fieldsSize(at: index)
                writer.raw.varint(Int64(body))
                let bodyStart = writer.raw.written
                writer.raw.byte(0)
                writer.raw.varint(timestamp &- baseTimestamp)
                writer.raw.varint(Int64(index))
                records.writeFields(at: index, into: &writer)
                precondition(writer.raw.written - bodyStart == body, "a record source wrote other than its fieldsSize")
            }
            precondition(writer.raw.written == recordsBytes, "encodedSize disagrees with the encoder")
            return recordsBytes
        }
        assert(buffer.writerIndex - start == total, "encodedSize disagrees with the encoder")
        let crc = buffer.withUnsafeReadableBytes { bytes in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[(start - buffer.readerIndex + crcStart)...]))
        }
        buffer.setInteger(crc, at: start + crcFieldOffset)
        var result = header
        result.crc = crc
        return result
    }

    static func writeHeader(_ header: RecordBatchHeader, into buffer: inout ByteBuffer) {
        buffer.writeInteger(header.baseOffset)
        buffer.writeInteger(header.batchLength)
        buffer.writeInteger(header.partitionLeaderEpoch)
        buffer.writeInteger(header.magic)
        buffer.writeInteger(header.crc)
        buffer.writeInteger(header.attributes)
        buffer.writeInteger(header.lastOffsetDelta)
        buffer.writeInteger(header.baseTimestamp)
        buffer.writeInteger(header.maxTimestamp)
        buffer.writeInteger(header.producerId)
        buffer.writeInteger(header.producerEpoch)
        buffer.writeInteger(header.baseSequence)
        buffer.writeInteger(header.recordCount)
    }
}

/// Writes bytes at a raw pointer; the caller reserved room for all of them.
struct RawWriter {
    private let base: UnsafeMutableRawPointer
    private(set) var written = 0

    init(_ base: UnsafeMutableRawPointer) {
        self.base = base
    }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        base.storeBytes(of: value, toByteOffset: written, as: UInt8.self)
        written += 1
    }

    /// A zig-zag varint, as `ByteBuffer.writeVarint`.
    @inline(__always)
    mutating func varint(_ value: Int64) {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while zigzag >= 0x80 {
            byte(UInt8(truncatingIfNeeded: zigzag) | 0x80)
            zigzag >>= 7
        }
        byte(UInt8(zigzag))
    }

    mutating func copy(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        (base + written).copyMemory(from: source, byteCount: bytes.count)
        written += bytes.count
    }

    mutating func copy(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { copy($0) }
    }
}
