import AMQPProtocol
import NIOCore
import Testing
import WarrenAMQP
import WarrenTestSupport

/// One test per kind of bad input, through the real handler: each gets RabbitMQ's reply code
/// and a closed connection, and nothing is thrown past the handler.
@Suite struct BadInputTests {
    func openServer() throws -> EmbeddedAMQPServer { try EmbeddedAMQPServer.withChannelOpen() }

    /// A protocol error: connection.close, and the socket goes after the client's close-ok.
    func expectClose(_ server: EmbeddedAMQPServer, code: UInt16, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let close = EmbeddedAMQPServer.connectionClose(in: try server.writtenFrames())
        #expect(close?.replyCode == code, sourceLocation: sourceLocation)
        #expect(!server.isClosed, sourceLocation: sourceLocation)
        try server.send(.connectionCloseOk(.init()))
        #expect(server.isClosed, sourceLocation: sourceLocation)
    }

    /// Undecodable bytes: connection.close, then the socket goes at once (the stream is lost).
    func expectCloseAndDisconnect(_ server: EmbeddedAMQPServer, code: UInt16,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        let close = EmbeddedAMQPServer.connectionClose(in: try server.writtenFrames())
        #expect(close?.replyCode == code, sourceLocation: sourceLocation)
        #expect(server.isClosed, sourceLocation: sourceLocation)
    }

    @Test func wrongProtocolHeaderIsAnsweredWithOursAndClosed() throws {
        let server = try EmbeddedAMQPServer()
        try server.send(Array("GET / HTTP/1.1\r\n\r\n".utf8))
        #expect(try server.writtenBytes() == ProtocolHeader.amqp091)
        #expect(server.isClosed)
    }

    @Test func garbageAfterTheHandshakeIsAFrameError() throws {
        let server = try openServer()
        try server.send([0x42, 0x13, 0x37, 0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01])
        try expectCloseAndDisconnect(server, code: 501)
    }

    @Test func frameLargerThanNegotiatedFrameMaxIs501() throws {
        let server = try EmbeddedAMQPServer()
        try server.handshake(frameMax: 8192)
        try server.send([3, 0, 1, 0, 0, 0x20, 0x01])  // body frame of 8193 bytes announced
        try expectCloseAndDisconnect(server, code: 501)
    }

    @Test func wrongFrameEndIs501() throws {
        let server = try openServer()
        try server.send([8, 0, 0, 0, 0, 0, 0, 0xCD])
        try expectCloseAndDisconnect(server, code: 501)
    }

    @Test func unknownClassOrMethodIs503() throws {
        let server = try openServer()
        try server.send([1, 0, 1, 0, 0, 0, 4, 0, 99, 0, 10, 0xCE])
        try expectCloseAndDisconnect(server, code: 503)
    }

    @Test func bodyLongerThanDeclaredIs501() throws {
        let server = try openServer()
        try server.send(
            Frame(channel: 1, payload: .method(.basicPublish(.init(routingKey: "q")))),
            Frame(channel: 1, payload: .header(ContentHeader(bodySize: 3, properties: .init()))),
            Frame(channel: 1, payload: .body(ByteBuffer(string: "abcdef"))))
        try expectClose(server, code: 501)
    }

    @Test func fieldTableNestedPastTheLimitIs501() throws {
        let server = try openServer()
        var table: FieldTable = ["leaf": true]
        for _ in 0..<AMQPLimits.fieldTableDepthMax { table = ["n": .table(table)] }
        try server.send(channel: 1, .queueDeclare(.init(queue: "deep", arguments: table)))
        try expectCloseAndDisconnect(server, code: 501)
    }

    @Test func channelAboveChannelMaxIs530() throws {
        let server = try openServer()
        try server.send(channel: 3000, .channelOpen(.init()))
        try expectClose(server, code: 530)
    }

    @Test func methodOnAChannelNeverOpenedIs504() throws {
        let server = try openServer()
        try server.send(channel: 9, .basicQos(.init(prefetchCount: 1)))
        try expectClose(server, code: 504)
    }

    @Test func contentFramesOutOfOrderAre505() throws {
        let server = try openServer()
        try server.send(Frame(channel: 1, payload: .body(ByteBuffer(string: "early"))))
        try expectClose(server, code: 505)
    }

    @Test func methodThatNeedsTheBrokerIsRefusedNotDropped() throws {
        let server = try openServer()
        try server.send(channel: 1, .queueDeclare(.init(queue: "q")))
        try expectClose(server, code: 540)
    }

    @Test func framesAfterAHardErrorAreIgnored() throws {
        let server = try openServer()
        // A bad frame end, then a valid channel.open in the same read: only the error counts.
        var bytes: [UInt8] = [8, 0, 0, 0, 0, 0, 0, 0xCD]
        var open = ByteBuffer()
        open.writeAMQPFrame(channel: 2, method: .channelOpen(.init()))
        bytes += open.readableBytesView
        try server.send(bytes)
        let frames = try server.writtenFrames()
        #expect(frames.count == 1)
        #expect(EmbeddedAMQPServer.connectionClose(in: frames)?.replyCode == 501)
    }
}
