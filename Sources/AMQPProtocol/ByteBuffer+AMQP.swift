// ByteBuffer+AMQP.swift: the primitive AMQP types (octet, short, long, longlong, shortstr,
// longstr) read and written on a ByteBuffer. Reads throw `.truncated` instead of returning nil.
import NIOCore

extension ByteBuffer {
    @inlinable
    mutating func readAMQPOctet() throws(AMQPDecodingError) -> UInt8 {
        guard let value = readInteger(as: UInt8.self) else { throw .truncated("octet") }
        return value
    }

    @inlinable
    mutating func readAMQPShort() throws(AMQPDecodingError) -> UInt16 {
        guard let value = readInteger(as: UInt16.self) else { throw .truncated("short") }
        return value
    }

    @inlinable
    mutating func readAMQPLong() throws(AMQPDecodingError) -> UInt32 {
        guard let value = readInteger(as: UInt32.self) else { throw .truncated("long") }
        return value
    }

    @inlinable
    mutating func readAMQPLongLong() throws(AMQPDecodingError) -> UInt64 {
        guard let value = readInteger(as: UInt64.self) else { throw .truncated("longlong") }
        return value
    }

    /// Reads a short string: one length octet, then that many bytes of UTF-8. Bytes that are
    /// not UTF-8 are refused rather than replaced: a replaced name would silently differ from
    /// the one the client sent (RabbitMQ keeps such names as raw bytes; see compatibility.md).
    @inlinable
    mutating func readAMQPShortString() throws(AMQPDecodingError) -> String {
        guard let length = getInteger(at: readerIndex, as: UInt8.self), readableBytes > Int(length) else {
            throw .truncated("short string")
        }
        let count = Int(length)
        // Over the contiguous bytes, not a ByteBufferView: the generic path looked up type
        // metadata at run time on every call (names are decoded for every publish).
        let text: String? = withUnsafeReadableBytes { raw in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[1 ..< 1 + count]).assumingMemoryBound(to: UInt8.self)
            if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            return String(validating: bytes, as: UTF8.self)
        }
        guard let text else { throw .invalidUTF8 }
        moveReaderIndex(forwardBy: 1 + count)
        return text
    }

    /// Reads a long string: a 32-bit length, then that many bytes.
    @inlinable
    mutating func readAMQPLongString() throws(AMQPDecodingError) -> [UInt8] {
        guard let length = getInteger(at: readerIndex, as: UInt32.self),
              let bytes = getBytes(at: readerIndex + 4, length: Int(length)) else {
            throw .truncated("long string")
        }
        moveReaderIndex(forwardBy: 4 + Int(length))
        return bytes
    }

    /// Writes a short string. Strings longer than 255 bytes are cut at 255, the most the
    /// format can carry; callers that accept names from users check lengths first.
    @inlinable
    mutating func writeAMQPShortString(_ text: String) {
        let lengthIndex = writerIndex
        writeInteger(UInt8(0))
        let written = writeString(text)
        if written > 255 {
            moveWriterIndex(to: lengthIndex + 1 + 255)
            setInteger(UInt8(255), at: lengthIndex)
        } else {
            setInteger(UInt8(written), at: lengthIndex)
        }
    }

    @inlinable
    mutating func writeAMQPLongString(_ bytes: [UInt8]) {
        writeInteger(UInt32(bytes.count))
        writeBytes(bytes)
    }
}
