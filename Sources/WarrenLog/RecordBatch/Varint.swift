// Varint.swift: Kafka's zig-zag variable-length integers (protobuf encoding) on ByteBuffer.

import NIOCore

extension ByteBuffer {
    /// Writes `value` as a zig-zag varint (1 to 10 bytes) and returns the bytes written.
    @discardableResult
    @inlinable
    mutating func writeVarint(_ value: Int64) -> Int {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        var written = 0
        while zigzag >= 0x80 {
            written += self.writeInteger(UInt8(truncatingIfNeeded: zigzag) | 0x80)
            zigzag >>= 7
        }
        written += self.writeInteger(UInt8(zigzag))
        return written
    }

    /// Reads a zig-zag varint; returns nil (and consumes nothing) if the bytes end first or
    /// the encoding is longer than 10 bytes.
    @inlinable
    mutating func readVarint() -> Int64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = self.readerIndex
        while shift < 70 {
            guard let byte = self.getInteger(at: index, as: UInt8.self) else { return nil }
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                self.moveReaderIndex(to: index)
                return Int64(bitPattern: result >> 1) ^ -Int64(bitPattern: result & 1)
            }
            shift += 7
        }
        return nil
    }
}

/// Sizes of encoded varints, so a batch's buffer can be reserved once before encoding.
enum Varint {
    /// Number of bytes `writeVarint(value)` writes.
    @inlinable
    static func size(_ value: Int64) -> Int {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        var size = 1
        while zigzag >= 0x80 {
            zigzag >>= 7
            size += 1
        }
        return size
    }
}
