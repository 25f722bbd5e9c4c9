// DeliveryCountHeaderTests.swift: the quorum queue's x-delivery-count header, spliced into
// properties without headers, gives the bytes the decode-and-encode path gives.
import AMQPProtocol
import NIOCore
import Testing
@testable import WarrenAMQP

@Suite struct DeliveryCountHeaderTests {
    static func encoded(_ properties: BasicProperties) -> ByteBuffer {
        var buffer = ByteBuffer()
        properties.encode(into: &buffer)
        return buffer
    }

    /// Decoding, adding the header and encoding again: what the splice must equal.
    static func slowPath(_ raw: ByteBuffer, _ count: UInt32) throws -> ByteBuffer {
        var copy = raw
        var decoded = try BasicProperties.decode(from: &copy)
        var headers = decoded.headers ?? FieldTable()
        headers["x-delivery-count"] = .int64(Int64(count))
        decoded.headers = headers
        return Self.encoded(decoded)
    }

    @Test(arguments: [
        BasicProperties(),
        BasicProperties(deliveryMode: 2),
        BasicProperties(contentType: "application/json", deliveryMode: 2, messageID: "m-1"),
        BasicProperties(contentType: "text/plain", contentEncoding: "gzip", priority: 5, correlationID: "c",
                        replyTo: "r", expiration: "60000", timestamp: 1_700_000_000, type: "t", userID: "guest",
                        appID: "app", clusterID: "x"),
        BasicProperties(contentEncoding: "utf-8"),
    ])
    func theSpliceEqualsDecodingAndEncodingAgain(properties: BasicProperties) throws {
        let raw = Self.encoded(properties)
        for count: UInt32 in [0, 1, 2, 4_000_000_000] {
            let spliced = try #require(AMQPMessageFormat.splicingDeliveryCount(raw, count))
            #expect(spliced == (try Self.slowPath(raw, count)))
            var readBack = spliced
            let decoded = try BasicProperties.decode(from: &readBack)
            #expect(decoded.headers?["x-delivery-count"] == .int64(Int64(count)))
        }
    }

    @Test func propertiesWithHeadersTakeTheSlowPath() throws {
        var headers = FieldTable()
        headers["a"] = .longString(Array("b".utf8))
        let raw = Self.encoded(BasicProperties(headers: headers, deliveryMode: 2))
        #expect(AMQPMessageFormat.splicingDeliveryCount(raw, 1) == nil)
        var decoded = AMQPMessageFormat.withDeliveryCount(raw, 1)
        let properties = try BasicProperties.decode(from: &decoded)
        #expect(properties.headers?["x-delivery-count"] == .int64(1))
        #expect(properties.headers?["a"] == .longString(Array("b".utf8)))
    }
}
