// ProtocolHeader.swift: the 8-byte "AMQP\0\0\9\1" greeting a client sends first.
import NIOCore

/// The AMQP protocol header. A client opens every connection with these 8 bytes.
///
/// A server that receives any other header answers with the header it does speak and closes
/// the socket (AMQP 0-9-1 section 4.2.2); RabbitMQ does exactly that.
public enum ProtocolHeader {
    /// "AMQP" 0 0 9 1.
    public static let amqp091: [UInt8] = [0x41, 0x4D, 0x51, 0x50, 0x00, 0x00, 0x09, 0x01]
    /// Length of any protocol header.
    public static let lengthBytes = 8

    /// The result of looking at the first bytes of a connection.
    public enum Check: Equatable, Sendable {
        /// Fewer than 8 bytes so far.
        case needMoreBytes
        /// Exactly AMQP 0-9-1.
        case accepted
        /// Anything else: answer with `amqp091` and close.
        case rejected
    }

    /// Checks (without consuming) the first 8 readable bytes of `buffer`.
    public static func check(_ buffer: ByteBuffer) -> Check {
        guard let bytes = buffer.getBytes(at: buffer.readerIndex, length: lengthBytes) else {
            // A prefix that already differs is rejected at once rather than waiting for 8 bytes.
            let have = buffer.readableBytesView
            return have.elementsEqual(amqp091.prefix(have.count)) ? .needMoreBytes : .rejected
        }
        return bytes == amqp091 ? .accepted : .rejected
    }
}
