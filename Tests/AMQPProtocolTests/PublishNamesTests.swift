import AMQPProtocol
import NIOCore
import Testing

/// `basic.publish` frames decode their exchange and routing key through `PublishNames`:
/// the same values and errors as the generic method decoder, a repeated long name shared.
@Suite struct PublishNamesTests {
    static func frame(_ publish: Basic.Publish) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeAMQPFrame(Frame(channel: 1, payload: .method(.basicPublish(publish))))
        return buffer
    }

    static func decodedPublish(_ buffer: ByteBuffer, with decoder: inout FrameDecoder) throws -> Basic.Publish? {
        var input = buffer
        guard case .method(.basicPublish(let publish)) = try decoder.decodeFrame(from: &input)?.payload else { return nil }
        return publish
    }

    static func storage(of string: String) -> UnsafePointer<UInt8>? {
        string.utf8.withContiguousStorageIfAvailable { $0.baseAddress } ?? nil
    }

    @Test func aRepeatedLongRoutingKeyIsDecodedOnceAndShared() throws {
        var decoder = FrameDecoder()
        let publish = Basic.Publish(exchange: "an-exchange-named-at-length", routingKey: "bench-a1k-1-123456", mandatory: true)
        let first = try #require(try Self.decodedPublish(Self.frame(publish), with: &decoder))
        let second = try #require(try Self.decodedPublish(Self.frame(publish), with: &decoder))
        #expect(first == publish)
        #expect(second == publish)
        #expect(Self.storage(of: first.routingKey) == Self.storage(of: second.routingKey))
        #expect(Self.storage(of: first.exchange) == Self.storage(of: second.exchange))
    }

    @Test func namesThatChangeDecodeAsSent() throws {
        var decoder = FrameDecoder()
        let keys = ["a-routing-key-of-18", "a-routing-key-of-19", "short", "a-routing-key-of-19", "another-long-routing-key"]
        for (index, key) in keys.enumerated() {
            let publish = Basic.Publish(exchange: index.isMultiple(of: 2) ? "" : "amq.direct-exchange", routingKey: key,
                                        immediate: index == 3)
            #expect(try Self.decodedPublish(Self.frame(publish), with: &decoder) == publish)
        }
    }

    @Test func aLongNameOfTheSameLengthButOtherBytesIsNotTakenForTheLastOne() throws {
        var decoder = FrameDecoder()
        let first = Basic.Publish(routingKey: "queue-number-00001")
        let second = Basic.Publish(routingKey: "queue-number-00002")
        _ = try Self.decodedPublish(Self.frame(first), with: &decoder)
        #expect(try Self.decodedPublish(Self.frame(second), with: &decoder) == second)
    }

    /// A `basic.publish` method payload with the default exchange, written byte by byte.
    static func publishPayload(routingKey: [UInt8], bits: UInt8?) -> ByteBuffer {
        var payload = ByteBuffer()
        payload.writeInteger(UInt16(60))
        payload.writeInteger(UInt16(40))
        payload.writeInteger(UInt16(0))  // ticket
        payload.writeInteger(UInt8(0))  // exchange ""
        payload.writeInteger(UInt8(routingKey.count))
        payload.writeBytes(routingKey)
        if let bits { payload.writeInteger(bits) }
        return payload
    }

    @Test func malformedPublishesFailAsTheGenericDecoderFailsThem() throws {
        // A long routing key that is not UTF-8, and a publish cut before its bits octet, each
        // after a valid publish of a name of that length.
        let invalid = Self.publishPayload(routingKey: [0xFF] + Array(repeating: UInt8(ascii: "k"), count: 17), bits: 0)
        let truncated = Self.publishPayload(routingKey: Array(repeating: UInt8(ascii: "k"), count: 18), bits: nil)
        for payload in [invalid, truncated] {
            var generic = payload
            let expected = #expect(throws: AMQPDecodingError.self) { _ = try Method.decode(from: &generic) }
            var frame = ByteBuffer()
            frame.writeInteger(UInt8(1))
            frame.writeInteger(UInt16(1))
            frame.writeInteger(UInt32(payload.readableBytes))
            frame.writeImmutableBuffer(payload)
            frame.writeInteger(Frame.endMarker)
            var decoder = FrameDecoder()
            _ = try Self.decodedPublish(Self.frame(Basic.Publish(routingKey: String(repeating: "k", count: 18))), with: &decoder)
            let thrown = #expect(throws: AMQPDecodingError.self) { _ = try decoder.decodeFrame(from: &frame) }
            #expect(thrown == expected)
        }
    }
}
