// RecordView.swift: one record of a batch read in place, without building arrays or strings.

import NIOCore

/// A record as it lies in its batch's bytes: the key, the value and each header's name and
/// value are slices of the batch (no copy), and the headers are walked on demand, so reading a
/// record allocates nothing. The batch has been checked as a whole when the view is made: a
/// view's headers always walk cleanly. `StoredRecord(_:)` turns a view into the owned form.
public struct RecordView {
    /// The record's offset in its partition.
    public let offset: Int64
    /// Milliseconds since the Unix epoch.
    public let timestamp: Int64
    /// Key bytes; nil for Kafka's null key.
    public let key: ByteBuffer?
    /// Value bytes (a null value reads as an empty buffer).
    public let value: ByteBuffer
    /// The headers, in their stored order.
    public let headers: RecordHeaders
}

/// The headers of a `RecordView`, walked from their encoded bytes.
public struct RecordHeaders: Sequence {
    /// One header: name (UTF-8 bytes) and value, both slices of the batch.
    public struct Header {
        public let name: ByteBuffer
        public let value: ByteBuffer
    }

    /// The encoded headers (each: varint name length, name, varint value length, value).
    let bytes: ByteBuffer
    /// How many headers there are.
    public let count: Int

    public struct Iterator: IteratorProtocol {
        var bytes: ByteBuffer
        var left: Int

        public mutating func next() -> Header? {
            guard left > 0 else { return nil }
            left -= 1
            // Checked by `RecordHeaders.check` when the view was made.
            let nameLength = bytes.readVarint()!
            let name = bytes.readSlice(length: Int(nameLength))!
            let valueLength = bytes.readVarint()!
            let value = valueLength < 0 ? ByteBuffer() : bytes.readSlice(length: Int(valueLength))!
            return Header(name: name, value: value)
        }
    }

    public func makeIterator() -> Iterator { Iterator(bytes: bytes, left: count) }

    /// Reads `count` headers from `body` and returns them, or the reason they are malformed.
    static func read(count: Int, from body: inout ByteBuffer) -> Result<RecordHeaders, HeaderProblem> {
        var start = body
        for _ in 0..<count {
            guard let nameLength = body.readVarint(), nameLength >= 0, Int(nameLength) <= body.readableBytes
            else { return .failure(.name) }
            body.moveReaderIndex(forwardBy: Int(nameLength))
            guard let valueLength = body.readVarint(), valueLength >= -1, valueLength <= Int64(body.readableBytes)
            else { return .failure(.value) }
            if valueLength > 0 { body.moveReaderIndex(forwardBy: Int(valueLength)) }
        }
        let bytes = start.readSlice(length: body.readerIndex - start.readerIndex)!
        return .success(RecordHeaders(bytes: bytes, count: count))
    }

    enum HeaderProblem: Error { case name, value }
}

extension StoredRecord {
    /// The owned form of a view: header names as strings, headers in an array.
    public init(_ view: RecordView) {
        var headers: [LogRecord.Header] = []
        headers.reserveCapacity(view.headers.count)
        for header in view.headers {
            headers.append(LogRecord.Header(name: String(buffer: header.name), value: header.value))
        }
        self.init(offset: view.offset,
                  record: LogRecord(key: view.key, value: view.value, headers: headers, timestamp: view.timestamp))
    }
}
