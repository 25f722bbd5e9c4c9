import AMQPProtocol
import NIOCore
import Testing

@Suite struct ContentPropertiesTests {
    static let all = BasicProperties(
        contentType: "application/json", contentEncoding: "gzip", headers: ["x-retry": 3],
        deliveryMode: 2, priority: 9, correlationID: "c-1", replyTo: "amq.rabbitmq.reply-to",
        expiration: "60000", messageID: "m-1", timestamp: 1_700_000_000, type: "order",
        userID: "guest", appID: "shop", clusterID: "legacy")

    @Test func allFourteenPropertiesRoundTrip() throws {
        var buffer = ByteBuffer()
        ContentHeader(bodySize: 42, properties: Self.all).encode(into: &buffer)
        let header = try ContentHeader.decode(from: &buffer)
        #expect(header.properties == Self.all)
        #expect(header.bodySize == 42)
        // All 14 flag bits (15 down to 2) are set.
        #expect(header.rawProperties.getInteger(at: header.rawProperties.readerIndex, as: UInt16.self) == 0xFFFC)
    }

    @Test func rawPropertyBytesAreKeptVerbatim() throws {
        // A header table whose entries a re-encoder could reorder or re-type: the raw bytes
        // must survive exactly as the publisher sent them.
        var properties = ByteBuffer()
        properties.writeInteger(UInt16(0x2000))  // headers only
        properties.writeAMQPFieldTable(["b": .uint8(1), "a": .int64(2)])
        var payload = ByteBuffer()
        payload.writeInteger(UInt16(60))
        payload.writeInteger(UInt16(0))
        payload.writeInteger(UInt64(0))
        payload.writeImmutableBuffer(properties)
        let header = try ContentHeader.decode(from: &payload)
        #expect(header.rawProperties == properties)
        var out = ByteBuffer()
        header.encode(into: &out)
        #expect(out.getSlice(at: 12, length: out.readableBytes - 12) == properties)
    }

    @Test func headerForAnotherClassDecodesSoTheChannelCanNameIt() throws {
        var payload = ByteBuffer(bytes: [0, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0])
        #expect(try ContentHeader.decode(from: &payload).classID == 50)
    }

    @Test func protocolHeaderCheck() {
        #expect(ProtocolHeader.check(ByteBuffer(bytes: ProtocolHeader.amqp091)) == .accepted)
        #expect(ProtocolHeader.check(ByteBuffer(bytes: Array("AMQ".utf8))) == .needMoreBytes)
        #expect(ProtocolHeader.check(ByteBuffer(bytes: Array("GET".utf8))) == .rejected)
        #expect(ProtocolHeader.check(ByteBuffer(bytes: [0x41, 0x4D, 0x51, 0x50, 1, 1, 0, 10])) == .rejected)
    }
}

@Suite struct BasicPropertiesValueTests {
    @Test func aCopyChangesWithoutChangingTheOriginal() {
        let original = BasicProperties(contentType: "text/plain", deliveryMode: 2)
        var copy = original
        copy.contentType = "application/json"
        copy.priority = 5
        #expect(original.contentType == "text/plain" && original.priority == nil)
        #expect(copy.contentType == "application/json" && copy.priority == 5 && copy.deliveryMode == 2)
        #expect(copy != original)
        copy.contentType = "text/plain"
        copy.priority = nil
        #expect(copy == original)
    }

    @Test func emptyPropertiesAreEqualHoweverMade() {
        var set = BasicProperties(messageID: "m")
        set.messageID = nil
        #expect(set == BasicProperties())
    }

    /// The decoder's shared values for no properties or a delivery mode alone say so; any other
    /// property set, or a value whose storage was written to, says false (the reader then reads
    /// the properties one by one).
    @Test func atMostDeliveryModeIsKnownForTheDecodersSharedValues() throws {
        func decoded(_ properties: BasicProperties) throws -> BasicProperties {
            var buffer = ByteBuffer()
            ContentHeader(bodySize: 1, properties: properties).encode(into: &buffer)
            return try ContentHeader.decode(from: &buffer).properties
        }
        #expect(try decoded(BasicProperties()).setsAtMostDeliveryMode)
        #expect(try decoded(BasicProperties(deliveryMode: 1)).setsAtMostDeliveryMode)
        #expect(try decoded(BasicProperties(deliveryMode: 2)).setsAtMostDeliveryMode)
        #expect(try !decoded(BasicProperties(deliveryMode: 2, replyTo: "amq.rabbitmq.reply-to")).setsAtMostDeliveryMode)
        #expect(try !decoded(BasicProperties(expiration: "5")).setsAtMostDeliveryMode)
        #expect(try !decoded(ContentPropertiesTests.all).setsAtMostDeliveryMode)
        var changed = try decoded(BasicProperties(deliveryMode: 2))
        changed.priority = 3
        #expect(!changed.setsAtMostDeliveryMode)
    }
}
