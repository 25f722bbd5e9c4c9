// PublishNames.swift: the last `basic.publish`'s exchange and routing key, remembered by a
// frame decoder so a run of publishes to the same names makes each name's String once.
import NIOCore

/// The exchange and routing key of the last `basic.publish` a decoder read. A publisher
/// mostly repeats its names, and a name longer than 15 bytes decoded afresh is a String
/// allocated, validated and copied for every message (a third of the broker's mallocs per
/// message on 1 KiB publishes to a queue named like `bench-a1k-1-12345`). The generated
/// decoder reads those two fields with `readAMQPShortString(reusing:)`: the bytes are compared
/// with the remembered name's and, when equal, that String is shared.
struct PublishNames: Sendable {
    var exchange = ""
    var routingKey = ""
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
