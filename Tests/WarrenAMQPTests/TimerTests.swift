import AMQPProtocol
import NIOCore
import NIOEmbedded
import Testing
import WarrenAMQP
import WarrenTestSupport

/// Heartbeats and the handshake timeout, with the embedded loop's clock: no sleeping.
@Suite struct TimerTests {
    @Test func clientThatNeverCompletesTheHandshakeIsDroppedAfterTenSeconds() throws {
        let server = try EmbeddedAMQPServer()
        try server.send(ProtocolHeader.amqp091)
        server.loop.advanceTime(by: .seconds(9))
        #expect(!server.isClosed)
        server.loop.advanceTime(by: .seconds(1))
        #expect(server.isClosed)
    }

    @Test func clientThatConnectsAndSendsNothingIsDroppedAfterTenSeconds() throws {
        let server = try EmbeddedAMQPServer()
        server.loop.advanceTime(by: .seconds(9))
        #expect(!server.isClosed)
        server.loop.advanceTime(by: .seconds(1))
        #expect(server.isClosed)
        #expect(try server.writtenBytes() == [])
    }

    @Test func clientStuckBeforeOpenIsDroppedAfterTenSecondsFromConnecting() throws {
        let server = try EmbeddedAMQPServer()
        try server.send(ProtocolHeader.amqp091)
        server.loop.advanceTime(by: .seconds(4))
        try server.send(.connectionStartOk(.init(clientProperties: [:], mechanism: "PLAIN",
                                                 response: Array("\0guest\0guest".utf8), locale: "en_US")))
        server.loop.advanceTime(by: .seconds(5))
        #expect(!server.isClosed)
        server.loop.advanceTime(by: .seconds(1))
        #expect(server.isClosed)
    }

    @Test func openConnectionIsNotDroppedByTheHandshakeTimer() throws {
        let server = try EmbeddedAMQPServer()
        try server.handshake()
        server.loop.advanceTime(by: .seconds(60))
        #expect(!server.isClosed)
    }

    @Test func serverSendsHeartbeatsWhenIdle() throws {
        let server = try EmbeddedAMQPServer()
        try server.handshake(heartbeat: 5)
        // The first interval carried open-ok; the second carried nothing, so it gets a heartbeat.
        server.loop.advanceTime(by: .seconds(5))
        #expect(try server.writtenFrames() == [])
        server.loop.advanceTime(by: .seconds(5))
        #expect(try server.writtenFrames() == [Frame(channel: 0, payload: .heartbeat)])
    }

    @Test func silentPeerIsDisconnectedAfterTwoIntervals() throws {
        let server = try EmbeddedAMQPServer()
        try server.handshake(heartbeat: 5)
        server.loop.advanceTime(by: .seconds(5))  // first tick: the handshake counted as traffic
        server.loop.advanceTime(by: .seconds(5))  // one silent interval
        #expect(!server.isClosed)
        server.loop.advanceTime(by: .seconds(5))  // two silent intervals
        #expect(server.isClosed)
    }

    @Test func peerSendingHeartbeatsStaysConnected() throws {
        let server = try EmbeddedAMQPServer()
        try server.handshake(heartbeat: 1)
        for _ in 0..<30 {
            try server.send(Frame(channel: 0, payload: .heartbeat))
            server.loop.advanceTime(by: .seconds(1))
        }
        #expect(!server.isClosed)
    }

    @Test func shutdownEventClosesWithConnectionForced() throws {
        let server = try EmbeddedAMQPServer()
        try server.handshake()
        server.channel.pipeline.fireUserInboundEventTriggered(ServerShutdownEvent())
        #expect(EmbeddedAMQPServer.connectionClose(in: try server.writtenFrames())?.replyCode == 320)
        // A client that never answers is cut off after the close-ok timeout.
        server.loop.advanceTime(by: .seconds(3))
        #expect(server.isClosed)
    }
}
