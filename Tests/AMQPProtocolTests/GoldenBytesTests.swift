import AMQPProtocol
import Foundation
import NIOCore
import Testing

@Suite struct GoldenBytesTests {
    @Test func heartbeat() throws {
        var buffer = ByteBuffer()
        buffer.writeAMQPHeartbeat()
        #expect(Array(buffer.readableBytesView) == [8, 0, 0, 0, 0, 0, 0, 0xCE])
        #expect(try decodeOneFrame(&buffer) == Frame(channel: 0, payload: .heartbeat))
    }

    @Test func basicPublishMandatory() throws {
        let bytes: [UInt8] = [1, 0, 1, 0, 0, 0, 10, 0, 60, 0, 40, 0, 0, 0, 1, 0x71, 1, 0xCE]
        var buffer = ByteBuffer(bytes: bytes)
        let frame = try decodeOneFrame(&buffer)
        let publish = Method.basicPublish(.init(exchange: "", routingKey: "q", mandatory: true))
        #expect(frame == Frame(channel: 1, payload: .method(publish)))
        var encoded = ByteBuffer()
        encoded.writeAMQPFrame(channel: 1, method: publish)
        #expect(Array(encoded.readableBytesView) == bytes)
    }

    @Test func connectionTune() throws {
        var encoded = ByteBuffer()
        encoded.writeAMQPFrame(channel: 0, method: .connectionTune(.init(channelMax: 2047, frameMax: 131_072, heartbeat: 60)))
        #expect(Array(encoded.readableBytesView) == [1, 0, 0, 0, 0, 0, 12, 0, 10, 0, 30, 0x07, 0xFF, 0, 2, 0, 0, 0, 60, 0xCE])
    }

    @Test func contentHeaderWithTwoProperties() throws {
        let payload: [UInt8] = [0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0x90, 0x00, 10]
            + Array("text/plain".utf8) + [2]
        var buffer = ByteBuffer(bytes: payload)
        let header = try ContentHeader.decode(from: &buffer)
        #expect(header.bodySize == 5)
        #expect(header.properties == BasicProperties(contentType: "text/plain", deliveryMode: 2))
        var encoded = ByteBuffer()
        ContentHeader(bodySize: 5, properties: header.properties).encode(into: &encoded)
        #expect(Array(encoded.readableBytesView) == payload)
    }

    /// The first frame RabbitMQ 3.10 sent to a client, captured from Debian's rabbitmq-server.
    @Test func rabbitMQConnectionStartDecodes() throws {
        let url = try #require(Bundle.module.url(forResource: "Golden/rabbitmq-3.10-connection-start", withExtension: "bin"))
        var buffer = ByteBuffer(bytes: try Data(contentsOf: url))
        let frame = try #require(try decodeOneFrame(&buffer, frameSizeBytesMax: 131_072))
        guard case .method(.connectionStart(let start)) = frame.payload else {
            Issue.record("expected connection.start, got \(frame)")
            return
        }
        #expect(start.versionMajor == 0 && start.versionMinor == 9)
        #expect(start.serverProperties["product"]?.string == "RabbitMQ")
        guard case .table(let capabilities)? = start.serverProperties["capabilities"] else {
            Issue.record("no capabilities table")
            return
        }
        #expect(capabilities["publisher_confirms"] == .bool(true))
        // Re-encoding reproduces the captured bytes exactly (table order is kept).
        var encoded = ByteBuffer()
        encoded.writeAMQPFrame(frame)
        #expect(Array(encoded.readableBytesView) == Array(try Data(contentsOf: url)))
    }
}
