// DeliveryEncoderTests.swift: the fused basic.deliver writer gives the frames' usual bytes.
import NIOCore
import Testing
@testable import AMQPProtocol

@Suite struct DeliveryEncoderTests {
    /// The bytes of the three frames written one by one, the way every other method is.
    static func separately(channel: UInt16, tag: String, deliveryTag: UInt64, redelivered: Bool, exchange: String,
                           key: String, properties: ByteBuffer, body: ByteBuffer, frameMax: UInt32) -> ByteBuffer {
        var out = ByteBuffer()
        out.writeAMQPFrame(channel: channel, method: .basicDeliver(.init(consumerTag: tag, deliveryTag: deliveryTag,
                                                                     redelivered: redelivered, exchange: exchange,
                                                                     routingKey: key)))
        out.writeAMQPContentHeader(channel: channel, bodySize: UInt64(body.readableBytes), rawProperties: properties)
        out.writeAMQPBody(channel: channel, body: body, frameSizeBytesMax: frameMax)
        return out
    }

    static func fused(channel: UInt16, tag: String, deliveryTag: UInt64, redelivered: Bool, exchange: String,
                      key: String, properties: ByteBuffer, body: ByteBuffer, frameMax: UInt32) -> ByteBuffer {
        var out = ByteBuffer(bytes: [0xAA])  // something already pending in the buffer
        out.moveReaderIndex(forwardBy: 1)
        out.writeAMQPDelivery(channel: channel, consumerTag: tag, deliveryTag: deliveryTag, redelivered: redelivered,
                              exchange: exchange, routingKey: key, rawProperties: properties, body: body,
                              frameSizeBytesMax: frameMax)
        return out
    }

    @Test(arguments: [
        ("amq.ctag-1", "", "q", 16, false),
        ("ctag", "amq.topic", "a.b.c", 1024, true),
        ("tägs-ünïcode", "ëx", "kéy", 1, false),
        ("c", "x", String(repeating: "k", count: 255), 4000, true),  // a body over several frames
        ("c", "x", "k", 0, false),  // an empty body: no body frame
    ])
    func writesTheSameBytesAsTheFramesOneByOne(tag: String, exchange: String, key: String, bodySize: Int, redelivered: Bool) {
        var properties = ByteBuffer()
        BasicProperties(contentType: "text/plain", deliveryMode: 2).encode(into: &properties)
        let body = ByteBuffer(bytes: (0..<bodySize).map { UInt8(truncatingIfNeeded: $0) })
        let frameMax: UInt32 = 2048
        let expected = Self.separately(channel: 7, tag: tag, deliveryTag: 0x0102_0304_0506_0708, redelivered: redelivered,
                                       exchange: exchange, key: key, properties: properties, body: body, frameMax: frameMax)
        let written = Self.fused(channel: 7, tag: tag, deliveryTag: 0x0102_0304_0506_0708, redelivered: redelivered,
                                 exchange: exchange, key: key, properties: properties, body: body, frameMax: frameMax)
        #expect(Array(written.readableBytesView) == Array(expected.readableBytesView))
    }

    @Test(arguments: [
        ("amq.ctag-1", "", "q", 16),
        ("tägs-ünïcode", "ëx", "kéy", 1),
        ("c", "x", String(repeating: "k", count: 255), 4000),  // a body over several frames
        ("c", "x", "k", 4080),  // a body that just fills one frame
        ("c", "x", "k", 0),  // an empty body: no body frame
    ])
    func sizeIsTheBytesWritten(tag: String, exchange: String, key: String, bodySize: Int) {
        var properties = ByteBuffer()
        BasicProperties(contentType: "text/plain", deliveryMode: 2).encode(into: &properties)
        let body = ByteBuffer(repeating: 7, count: bodySize)
        let written = Self.separately(channel: 1, tag: tag, deliveryTag: 1, redelivered: false, exchange: exchange,
                                      key: key, properties: properties, body: body, frameMax: 4096)
        #expect(ByteBuffer.amqpDeliverySize(consumerTagBytes: tag.utf8.count, exchangeBytes: exchange.utf8.count,
                                            routingKeyBytes: key.utf8.count, propertiesBytes: properties.readableBytes,
                                            bodyBytes: bodySize, frameSizeBytesMax: 4096) == written.readableBytes)
    }

    @Test func decodesBackToTheDelivery() throws {
        let body = ByteBuffer(string: "hello")
        var written = Self.fused(channel: 3, tag: "t", deliveryTag: 42, redelivered: true, exchange: "e", key: "k",
                                 properties: ByteBuffer(bytes: [0, 0]), body: body, frameMax: 131_072)
        var decoder = FrameDecoder()
        let method = try #require(try decoder.decodeFrame(from: &written))
        guard case .method(.basicDeliver(let deliver)) = method.payload else {
            Issue.record("expected basic.deliver, got \(method)")
            return
        }
        #expect(deliver.consumerTag == "t" && deliver.deliveryTag == 42 && deliver.redelivered
                && deliver.exchange == "e" && deliver.routingKey == "k")
        let header = try #require(try decoder.decodeFrame(from: &written))
        guard case .header(let content) = header.payload else {
            Issue.record("expected a content header, got \(header)")
            return
        }
        #expect(content.bodySize == 5)
        let bodyFrame = try #require(try decoder.decodeFrame(from: &written))
        guard case .body(let bytes) = bodyFrame.payload else {
            Issue.record("expected a body frame, got \(bodyFrame)")
            return
        }
        #expect(bytes == body)
        #expect(written.readableBytes == 0)
    }
}
