// PublishNames.swift: `basic.publish` decoded with its exchange and routing key remembered,
// so a run of publishes to the same names makes each name's String once.
import NIOCore

/// The exchange and routing key of the last `basic.publish` a decoder read. A publisher
/// mostly repeats its names, and a name longer than 15 bytes decoded afresh is a String
/// allocated, validated and copied for every message (a third of the broker's mallocs per
/// message on 1 KiB publishes to a queue named like `bench-a1k-1-12345`). The bytes are
/// compared with the remembered name's and, when equal, that String is shared.
struct PublishNames: Sendable {
    private var exchange = ""
    private var routingKey = ""

    /// `basic.publish`'s class and method ids as the first four bytes of a method payload.
    static let methodPrefix: UInt32 = 60 << 16 | 40

    /// Decodes a `basic.publish` payload (class and method ids included), with the same
    /// checks and errors as `Method.decode(from:)`.
    mutating func decodePublish(from buffer: inout ByteBuffer) throws(AMQPDecodingError) -> Method {
        buffer.moveReaderIndex(forwardBy: 4)  // the ids, checked by the caller
        do {
            var publish = Basic.Publish()
            publish.ticket = try buffer.readAMQPShort()
            publish.exchange = try buffer.readAMQPShortString(reusing: &exchange)
            publish.routingKey = try buffer.readAMQPShortString(reusing: &routingKey)
            let bits = try buffer.readAMQPOctet()
            publish.mandatory = bits & 1 != 0
            publish.immediate = bits & 2 != 0
            return .basicPublish(publish)
        } catch {
            throw .malformedMethod(classID: 60, methodID: 40, reason: error.description)
        }
    }
}

extension ByteBuffer {
    /// `readAMQPShortString()`, returning `last` when the bytes are its bytes and otherwise
    /// remembering the new string in it. Names of up to 15 bytes are stored inline in a String
    /// and cost no allocation: they are decoded as usual.
    mutating func readAMQPShortString(reusing last: inout String) throws(AMQPDecodingError) -> String {
        guard let length = getInteger(at: readerIndex, as: UInt8.self), readableBytes > Int(length) else {
            throw .truncated("short string")
        }
        let count = Int(length)
        if count > 15 && last.utf8.count == count {
            let same = withUnsafeReadableBytes { raw in
                last.utf8.withContiguousStorageIfAvailable { known in
                    known.elementsEqual(UnsafeRawBufferPointer(rebasing: raw[1 ..< 1 + count]))
                } ?? false
            }
            if same {
                moveReaderIndex(forwardBy: 1 + count)
                return last
            }
        }
        let text = try readAMQPShortString()
        if count > 15 { last = text }
        return text
    }
}
