// LogRecordSource.swift: records the log encodes from what a caller already holds, without a
// `LogRecord` made for each first.

import NIOCore

/// Records described field by field. The batch encoder (RecordBatchV2) writes each record's
/// framing (length, attributes, timestamp and offset deltas) and asks the source for the rest:
/// the key, the value and the headers, in the layout at the top of RecordBatchV2.swift.
///
/// `[LogRecord]` is one; the broker's messages are another (their routing key, exchange name and
/// properties go into the record straight from the message, with no buffers or header arrays
/// made on the way).
public protocol LogRecordSource {
    /// How many records there are.
    var recordCount: Int { get }
    /// Record `index`'s timestamp, milliseconds since the Unix epoch.
    func timestamp(at index: Int) -> Int64
    /// Bytes record `index`'s key, value and headers take, as `writeFields(at:into:)` writes
    /// them (sizes from `RecordFieldsWriter`'s static functions). Asked before the fields are
    /// written: the record's length is a varint ahead of them, so its size must be known first
    /// (the encoder checks the two agree).
    func fieldsSize(at index: Int) -> Int
    /// Writes record `index`'s key, value, header count and headers, in that order.
    func writeFields(at index: Int, into writer: inout RecordFieldsWriter)
}

/// Writes a record's fields at the encoder's raw pointer; the encoder reserved
/// `fieldsSize(at:)` bytes for them and checks that exactly so many were written.
public struct RecordFieldsWriter {
    var raw: RawWriter

    init(_ raw: RawWriter) {
        self.raw = raw
    }

    /// Bytes of a length-prefixed field of `count` bytes.
    @inline(__always)
    public static func size(ofField count: Int) -> Int { Varint.size(Int64(count)) + count }
    /// Bytes of a null field (length -1).
    public static let nullFieldSize = 1
    /// Bytes of a one-byte field (`field(byte:)`).
    public static let byteFieldSize = 2
    /// Bytes of an 8-byte field (`field(bigEndian:)`).
    public static let bigEndianFieldSize = 9
    /// Bytes of the header count `count`.
    @inline(__always)
    public static func size(ofCount count: Int) -> Int { Varint.size(Int64(count)) }

    /// A length-prefixed field holding `buffer`'s readable bytes.
    public mutating func field(_ buffer: ByteBuffer) {
        raw.varint(Int64(buffer.readableBytes))
        raw.copy(buffer)
    }

    /// A length-prefixed field holding `string`'s UTF-8 bytes.
    public mutating func field(utf8 string: String) {
        let utf8 = string.utf8
        raw.varint(Int64(utf8.count))
        let copied: Void? = utf8.withContiguousStorageIfAvailable { raw.copy(UnsafeRawBufferPointer($0)) }
        if copied == nil {
            for byte in utf8 { raw.byte(byte) }
        }
    }

    /// A one-byte field (a one-letter header name, a flag).
    public mutating func field(byte: UInt8) {
        raw.varint(1)
        raw.byte(byte)
    }

    /// An 8-byte field holding `value` big-endian.
    public mutating func field(bigEndian value: Int64) {
        raw.varint(8)
        withUnsafeBytes(of: value.bigEndian) { raw.copy($0) }
    }

    /// A null field (length -1), as a record without a key has.
    public mutating func nullField() {
        raw.varint(-1)
    }

    /// The number of headers that follow.
    public mutating func count(_ count: Int) {
        raw.varint(Int64(count))
    }
}

extension Array: LogRecordSource where Element == LogRecord {
    public var recordCount: Int { count }

    public func timestamp(at index: Int) -> Int64 { self[index].timestamp }

    public func fieldsSize(at index: Int) -> Int {
        // In place, here and below: a copy of the record retains its buffers and headers.
        var size = self[index].key.map { RecordFieldsWriter.size(ofField: $0.readableBytes) }
            ?? RecordFieldsWriter.nullFieldSize
        size += RecordFieldsWriter.size(ofField: self[index].value.readableBytes)
        size += RecordFieldsWriter.size(ofCount: self[index].headers.count)
        for header in self[index].headers.indices {
            size += RecordFieldsWriter.size(ofField: self[index].headers[header].name.utf8.count)
            size += RecordFieldsWriter.size(ofField: self[index].headers[header].value.readableBytes)
        }
        return size
    }

    public func writeFields(at index: Int, into writer: inout RecordFieldsWriter) {
        if let key = self[index].key { writer.field(key) } else { writer.nullField() }
        writer.field(self[index].value)
        writer.count(self[index].headers.count)
        for header in self[index].headers.indices {
            writer.field(utf8: self[index].headers[header].name)
            writer.field(self[index].headers[header].value)
        }
    }
}
