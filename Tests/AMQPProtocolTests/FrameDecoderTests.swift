import AMQPProtocol
import NIOCore
import NIOTestUtils
import Testing

@Suite struct FrameDecoderTests {
    static func bytes(of frames: [Frame]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for frame in frames { buffer.writeAMQPFrame(frame) }
        return buffer
    }

    static let conversation: [Frame] = [
        Frame(channel: 1, payload: .method(.basicPublish(.init(exchange: "amq.direct", routingKey: "k")))),
        Frame(channel: 1, payload: .header(ContentHeader(bodySize: 3, properties: .init(deliveryMode: 2)))),
        Frame(channel: 1, payload: .body(ByteBuffer(string: "abc"))),
        Frame(channel: 0, payload: .heartbeat),
        Frame(channel: 2, payload: .method(.channelClose(.init(replyCode: 200, replyText: "bye")))),
    ]

    @Test func decodesDripFedAndSplitInput() throws {
        // The verifier feeds the bytes whole, one at a time, and in random splits.
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(Self.bytes(of: Self.conversation), Self.conversation)],
            decoderFactory: { FrameDecoder(frameSizeBytesMax: 131_072) }
        )
    }

    @Test func oneByteAtATimeYieldsEachFrameExactlyWhenItCompletes() throws {
        let all = Self.bytes(of: Self.conversation)
        var decoder = FrameDecoder(frameSizeBytesMax: 131_072)
        var pending = ByteBuffer()
        var decoded: [Frame] = []
        for byte in all.readableBytesView {
            pending.writeInteger(byte)
            while let frame = try decoder.decodeFrame(from: &pending) { decoded.append(frame) }
        }
        #expect(decoded == Self.conversation)
        #expect(pending.readableBytes == 0)
    }

    @Test func frameLargerThanFrameMaxIsRejectedBeforeItsPayloadArrives() {
        // Only the 7-byte header has arrived: the size alone is enough to refuse the frame.
        var buffer = ByteBuffer(bytes: [3, 0, 1, 0, 0, 0x20, 0x01])
        #expect(throws: AMQPDecodingError.frameTooLarge(size: 8193, max: 4096)) {
            var decoder = FrameDecoder(frameSizeBytesMax: 4096)
            _ = try decoder.decodeFrame(from: &buffer)
        }
        #expect(AMQPDecodingError.frameTooLarge(size: 8193, max: 4096).replyCode == .frameError)
    }

    @Test func payloadOfExactlyFrameMaxIsAccepted() throws {
        var buffer = ByteBuffer()
        buffer.writeAMQPFrame(Frame(channel: 1, payload: .body(ByteBuffer(repeating: 7, count: 4096))))
        var decoder = FrameDecoder(frameSizeBytesMax: 4096)
        #expect(try decoder.decodeFrame(from: &buffer) != nil)
    }

    @Test func wrongFrameEndIsAFrameError() {
        var buffer = ByteBuffer(bytes: [8, 0, 0, 0, 0, 0, 0, 0xCD])
        #expect(throws: AMQPDecodingError.invalidFrameEnd(0xCD)) {
            var decoder = FrameDecoder()
            _ = try decoder.decodeFrame(from: &buffer)
        }
    }

    @Test func unknownFrameTypeIsAFrameError() {
        var buffer = ByteBuffer(bytes: [4, 0, 0, 0, 0, 0, 0, 0xCE])
        #expect(throws: AMQPDecodingError.unknownFrameType(4)) {
            var decoder = FrameDecoder()
            _ = try decoder.decodeFrame(from: &buffer)
        }
    }

    @Test func incompleteFrameConsumesNothing() throws {
        var buffer = Self.bytes(of: [Self.conversation[0]])
        var partial = buffer.readSlice(length: buffer.readableBytes - 1)!
        var decoder = FrameDecoder()
        #expect(try decoder.decodeFrame(from: &partial) == nil)
        #expect(partial.readerIndex == 0)
    }

    @Test func garbageIsRejectedNotCrashedOn() {
        // Deterministic pseudo-random garbage: every outcome must be a frame, nil or a typed error.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            var buffer = ByteBuffer()
            for _ in 0..<64 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                buffer.writeInteger(UInt8(truncatingIfNeeded: state >> 33))
            }
            _ = try? decodeOneFrame(&buffer, frameSizeBytesMax: 131_072)
        }
    }
}

@Suite struct FrameBytesLackingTests {
    @Test func countsTheHeaderFirstThenThePayloadAndEndMarker() throws {
        var frame = ByteBuffer()
        frame.writeAMQPFrame(Frame(channel: 1, payload: .body(ByteBuffer(string: "abcdef"))))
        #expect(frame.readableBytes == 7 + 6 + 1)
        for have in 0..<frame.readableBytes {
            let prefix = frame.getSlice(at: 0, length: have)!
            // Fewer than 7 bytes: what the header still lacks; then the rest of the frame.
            let expected = have < 7 ? 7 - have : frame.readableBytes - have
            #expect(FrameDecoder.bytesLacking(in: prefix) == expected, "with \(have) bytes")
        }
    }
}
