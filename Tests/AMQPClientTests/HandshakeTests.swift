// HandshakeTests.swift: protocol header, start-ok, tune negotiation, open, heartbeats and
// connection close, against a scripted server on an EmbeddedChannel.
@testable import AMQPClient
import AMQPProtocol
import NIOCore
import NIOEmbedded
import Testing

@Suite struct HandshakeTests {
    @Test func handshakeSendsHeaderPlainCredentialsTuneOkAndOpen() throws {
        let config = AMQPConnectionConfiguration(username: "bob", password: "s3cret", virtualHost: "/prod",
                                                 heartbeatSeconds: 30, connectionName: "unit")
        let server = try FakeServer(configuration: config)
        #expect(try server.readProtocolHeader() == ProtocolHeader.amqp091)

        try server.send(.connectionStart(.init(serverProperties: ["product": "FakeServer"],
                                               mechanisms: Array("AMQPLAIN PLAIN".utf8))))
        let startOk = try server.readMethods()
        guard case .connectionStartOk(let ok) = try #require(startOk.first).1 else {
            Issue.record("expected start-ok, got \(startOk)")
            return
        }
        #expect(ok.mechanism == "PLAIN")
        #expect(ok.response == [0] + Array("bob".utf8) + [0] + Array("s3cret".utf8))
        #expect(ok.clientProperties["connection_name"]?.string == "unit")
        guard case .table(let capabilities) = ok.clientProperties["capabilities"] else {
            Issue.record("no capabilities table")
            return
        }
        for name in ["publisher_confirms", "consumer_cancel_notify", "basic.nack", "connection.blocked",
                     "authentication_failure_close"] {
            #expect(capabilities[name]?.bool == true, "capability \(name)")
        }

        try server.send(.connectionTune(.init(channelMax: 0, frameMax: 65_536, heartbeat: 60)))
        let tuneAndOpen = try server.readMethods().map(\.1)
        #expect(tuneAndOpen == [
            .connectionTuneOk(.init(channelMax: 2047, frameMax: 65_536, heartbeat: 30)),
            .connectionOpen(.init(virtualHost: "/prod")),
        ])
        #expect(server.connectionResult.result == nil)

        try server.send(.connectionOpenOk(.init()))
        let connection = try #require(server.connectionResult.value)
        #expect(connection.serverProperties["product"]?.string == "FakeServer")
        #expect(connection.tuning == AMQPTuning(channelMax: 2047, frameMax: 65_536, heartbeatSeconds: 30))
    }

    @Test(arguments: [
        // (server channel_max, frame_max, heartbeat), (client ...), expected
        ((0, 0, 0), (2047, 131_072, 60), (2047, 131_072, 60)),
        ((100, 4096, 580), (2047, 131_072, 60), (100, 4096, 60)),
        ((2047, 131_072, 10), (0, 0, 60), (2047, 131_072, 10)),
        ((2047, 131_072, 60), (2047, 131_072, 0), (2047, 131_072, 60)),
        ((0, 0, 0), (0, 0, 0), (0, 0, 0)),
    ] as [((UInt16, UInt32, UInt16), (UInt16, UInt32, UInt16), (UInt16, UInt32, UInt16))])
    func tuneTakesTheSmallerNonZeroValue(server: (UInt16, UInt32, UInt16), client: (UInt16, UInt32, UInt16),
                                         expected: (UInt16, UInt32, UInt16)) {
        let tune = Connection.Tune(channelMax: server.0, frameMax: server.1, heartbeat: server.2)
        let config = AMQPConnectionConfiguration(channelMax: client.0, frameMax: client.1, heartbeatSeconds: client.2)
        #expect(AMQPTuning.negotiate(server: tune, client: config)
                == AMQPTuning(channelMax: expected.0, frameMax: expected.1, heartbeatSeconds: expected.2))
    }

    @Test func serverWithoutPlainFailsTheHandshake() throws {
        let server = try FakeServer()
        _ = try server.readProtocolHeader()
        try server.send(.connectionStart(.init(mechanisms: Array("EXTERNAL".utf8))))
        #expect(server.connectionResult.clientError == .unsupportedMechanisms("EXTERNAL"))
        #expect(!server.channel.isActive)
    }

    @Test func handshakeTimesOutWhenTheServerIsSilent() throws {
        let server = try FakeServer(configuration: .init(handshakeTimeout: .seconds(5)))
        _ = try server.readProtocolHeader()
        server.loop.advanceTime(by: .seconds(5))
        guard case .timeout = server.connectionResult.clientError else {
            Issue.record("expected a timeout, got \(String(describing: server.connectionResult.result))")
            return
        }
        #expect(!server.channel.isActive)
    }

    @Test func sendsHeartbeatsAtTheNegotiatedInterval() throws {
        let server = try FakeServer(configuration: .init(heartbeatSeconds: 10))
        _ = try server.handshake(tune: .init(channelMax: 0, frameMax: 131_072, heartbeat: 60))
        server.loop.advanceTime(by: .seconds(9))
        #expect(try server.readFrames().isEmpty)
        server.loop.advanceTime(by: .seconds(1))
        #expect(try server.readFrames() == [Frame(channel: 0, payload: .heartbeat)])
        try server.send([Frame(channel: 0, payload: .heartbeat)])
        server.loop.advanceTime(by: .seconds(10))
        #expect(try server.readFrames() == [Frame(channel: 0, payload: .heartbeat)])
        #expect(server.channel.isActive)
    }

    @Test func closesWhenTheServerIsSilentForTwoHeartbeatIntervals() throws {
        let server = try FakeServer(configuration: .init(heartbeatSeconds: 5))
        let connection = try server.handshake(tune: .init(channelMax: 0, frameMax: 131_072, heartbeat: 5))
        let closed = FutureResult(connection.closeFuture)
        server.loop.advanceTime(by: .seconds(5))  // open-ok arrived in this interval
        try server.send([Frame(channel: 0, payload: .heartbeat)])
        server.loop.advanceTime(by: .seconds(10))  // one silent interval: still open
        #expect(server.channel.isActive)
        server.loop.advanceTime(by: .seconds(5))  // two silent intervals
        #expect(!server.channel.isActive)
        guard case .timeout = closed.clientError else {
            Issue.record("expected a timeout, got \(String(describing: closed.result))")
            return
        }
    }

    @Test func serverConnectionCloseIsAnsweredAndFailsPendingCalls() throws {
        let server = try FakeServer()
        let connection = try server.handshake()
        let channel = try server.openChannel(connection)
        let declare = FutureResult(channel.queueDeclare("q"))
        let closed = FutureResult(connection.closeFuture)
        _ = try server.readMethods()
        try server.send(.connectionClose(.init(replyCode: 320, replyText: "CONNECTION_FORCED - bye", classId: 0, methodId: 0)))
        #expect(try server.readMethods().map(\.1) == [.connectionCloseOk(.init())])
        let expected = AMQPClientError.connectionClosedByServer(replyCode: 320, replyText: "CONNECTION_FORCED - bye",
                                                                classID: 0, methodID: 0)
        #expect(declare.clientError == expected)
        #expect(closed.clientError == expected)
        #expect(!server.channel.isActive)
        #expect(FutureResult(connection.openChannel()).clientError == expected)
    }

    @Test func clientCloseWaitsForCloseOk() throws {
        let server = try FakeServer()
        let connection = try server.handshake()
        let close = FutureResult(connection.close())
        #expect(try server.readMethods().map(\.1) == [.connectionClose(.init(replyCode: 200, replyText: "Goodbye"))])
        #expect(close.result == nil)
        try server.send(.connectionCloseOk(.init()))
        #expect(close.result != nil && close.error == nil)
        #expect(!server.channel.isActive)
    }

    @Test func blockedAndUnblockedReachTheCallback() throws {
        let server = try FakeServer()
        let connection = try server.handshake()
        let events = Recorder<AMQPBlockedEvent>()
        connection.setBlockedHandler { events.append($0) }
        try server.send(.connectionBlocked(.init(reason: "low on memory")))
        try server.send(.connectionUnblocked(.init()))
        #expect(events.values == [.blocked(reason: "low on memory"), .unblocked])
    }

    @Test func writabilityChangesReachTheCallback() throws {
        let server = try FakeServer()
        let connection = try server.handshake()
        let changes = Recorder<Bool>()
        connection.setWritabilityHandler { changes.append($0) }
        server.channel.isWritable = false
        server.channel.pipeline.fireChannelWritabilityChanged()
        #expect(!connection.isWritable)
        server.channel.isWritable = true
        server.channel.pipeline.fireChannelWritabilityChanged()
        #expect(changes.values == [false, true])
    }

    @Test func undecodableBytesCloseTheConnectionWithFrameError() throws {
        let server = try FakeServer()
        let connection = try server.handshake()
        let closed = FutureResult(connection.closeFuture)
        try server.channel.writeInbound(ByteBuffer(bytes: [9, 0, 0, 0, 0, 0, 0, 0xCE]))
        let methods = try server.readMethods().map(\.1)
        guard case .connectionClose(let close) = methods.first else {
            Issue.record("expected connection.close, got \(methods)")
            return
        }
        #expect(close.replyCode == ReplyCode.frameError.rawValue)
        #expect(!server.channel.isActive)
        guard case .protocolError = closed.clientError else {
            Issue.record("expected a protocol error, got \(String(describing: closed.result))")
            return
        }
    }
}

/// Collects values from callbacks that run on the (embedded) event loop.
final class Recorder<T: Sendable>: @unchecked Sendable {
    private(set) var values: [T] = []
    func append(_ value: T) { values.append(value) }
}
