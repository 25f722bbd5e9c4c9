// RecordBatch.swift: a validated batch (header + its bytes) and the decoding of its records.

import NIOCore

/// A RecordBatch v2 whose length, offsets and CRC-32C have been checked. `bytes` are the exact
/// stored bytes, so a replica or a Kafka `Fetch` can send them on unchanged.
public struct RecordBatch: Sendable {
    /// The decoded fixed header.
    public let header: RecordBatchHeader
    /// The whole batch, `header.totalBytes` long.
    public let bytes: ByteBuffer

    /// Offset of the first record.
    public var baseOffset: Int64 { header.baseOffset }
    /// Offset of the last record.
    public var lastOffset: Int64 { header.lastOffset }

    /// Decodes every record of the batch. Keys, values and header values are slices of `bytes`
    /// (no copy).
    public func records() throws -> [StoredRecord] {
        var result: [StoredRecord] = []
        result.reserveCapacity(Int(header.recordCount))
        try forEachRecord { result.append($0) }
        return result
    }

    /// Calls `body` with each record of the batch, in order.
    public func forEachRecord(_ body: (StoredRecord) throws -> Void) throws {
        try forEachRecordView { try body(StoredRecord($0)) }
    }

    /// Calls `body` with each record of the batch, in order, read in place (no allocation).
    public func forEachRecordView(_ body: (RecordView) throws -> Void) throws {
        var cursor = bytes
        cursor.moveReaderIndex(forwardBy: RecordBatchV2.headerBytes)
        for _ in 0..<Int(header.recordCount) {
            try body(try decodeRecord(&cursor))
        }
        guard cursor.readableBytes == 0 else { throw malformed("bytes after the last record") }
    }

    private func malformed(_ reason: String) -> LogError {
        .malformedBatch(baseOffset: header.baseOffset, reason: reason)
    }

    private func decodeRecord(_ cursor: inout ByteBuffer) throws -> RecordView {
        guard let length = cursor.readVarint(), length >= 0, Int(length) <= cursor.readableBytes,
            var body = cursor.readSlice(length: Int(length))
        else { throw malformed("record length") }
        guard body.readInteger(as: UInt8.self) != nil,
            let timestampDelta = body.readVarint(),
            let offsetDelta = body.readVarint(), offsetDelta >= 0, offsetDelta <= Int64(header.lastOffsetDelta)
        else { throw malformed("record fields") }
        let key = try readBytes(&body, nullable: true)
        let value = try readBytes(&body, nullable: true) ?? ByteBuffer()
        guard let headerCount = body.readVarint(), headerCount >= 0, headerCount <= Int64(body.readableBytes)
        else { throw malformed("header count") }
        let headers: RecordHeaders
        switch RecordHeaders.read(count: Int(headerCount), from: &body) {
        case .success(let read): headers = read
        case .failure(.name): throw malformed("header name")
        case .failure(.value): throw malformed("byte string length")
        }
        guard body.readableBytes == 0 else { throw malformed("bytes after record headers") }
        return RecordView(offset: header.baseOffset + offsetDelta, timestamp: header.baseTimestamp &+ timestampDelta,
                          key: key, value: value, headers: headers)
    }

    private func readBytes(_ body: inout ByteBuffer, nullable: Bool) throws -> ByteBuffer? {
        guard let length = body.readVarint(), length >= -1, length <= Int64(body.readableBytes) else {
            throw malformed("byte string length")
        }
        if length == -1 { return nil }
        return body.readSlice(length: Int(length))
    }
}

extension RecordBatchV2 {
    /// Reads the fixed header at `index` of `buffer` and checks its fields (not the CRC).
    /// Returns nil when fewer than `headerBytes` bytes are there.
    static func peekHeader(_ buffer: ByteBuffer, at index: Int) throws -> RecordBatchHeader? {
        guard buffer.writerIndex - index >= headerBytes else { return nil }
        func int<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T { buffer.getInteger(at: index + at, as: T.self)! }
        let header = RecordBatchHeader(
            baseOffset: int(0, Int64.self), batchLength: int(8, Int32.self),
            partitionLeaderEpoch: int(12, Int32.self), magic: int(16, Int8.self), crc: int(17, UInt32.self),
            attributes: int(21, Int16.self), lastOffsetDelta: int(23, Int32.self),
            baseTimestamp: int(27, Int64.self), maxTimestamp: int(35, Int64.self),
            producerId: int(43, Int64.self), producerEpoch: int(51, Int16.self),
            baseSequence: int(53, Int32.self), recordCount: int(57, Int32.self))
        let reason: String? =
            if header.magic != 2 { "magic \(header.magic)" }
            else if Int(header.batchLength) < headerBytes - logOverheadBytes { "batch length \(header.batchLength)" }
            else if header.totalBytes > LogLimits.batchBytesMax { "batch length \(header.batchLength) over the limit" }
            else if header.lastOffsetDelta < 0 || header.recordCount < 0 { "negative offset delta or count" }
            else if header.baseOffset < 0 { "negative base offset" }
            else { nil }
        if let reason { throw LogError.malformedBatch(baseOffset: header.baseOffset, reason: reason) }
        return header
    }

    /// Validates the batch at the reader index of `buffer` (header, length, CRC-32C) and
    /// consumes it. Returns nil, consuming nothing, when the buffer ends before the batch does.
    public static func decodeBatch(from buffer: inout ByteBuffer) throws -> RecordBatch? {
        guard let header = try peekHeader(buffer, at: buffer.readerIndex),
            buffer.readableBytes >= header.totalBytes
        else { return nil }
        let computed = buffer.withUnsafeReadableBytes { bytes in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[crcStart..<header.totalBytes]))
        }
        guard computed == header.crc else {
            throw LogError.crcMismatch(baseOffset: header.baseOffset, stored: header.crc, computed: computed)
        }
        let bytes = buffer.readSlice(length: header.totalBytes)!
        return RecordBatch(header: header, bytes: bytes)
    }
}
