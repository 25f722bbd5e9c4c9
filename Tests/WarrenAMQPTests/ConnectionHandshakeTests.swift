import AMQPProtocol
import NIOCore
import NIOEmbedded
import Testing
import WarrenAMQP
import WarrenTestSupport

@Suite struct ConnectionHandshakeTests {
    @Test func acceptedHeaderIsAnsweredWithStartAndRabbitMQsCapabilities() throws {
        var machine = ConnectionStateMachine(configuration: .init(), peerIsLoopback: true)
        guard case .send(0, .connectionStart(let start)) = machine.protocolHeaderReceived(.accepted) else {
            Issue.record("expected connection.start")
            return
        }
        #expect(start.versionMajor == 0 && start.versionMinor == 9)
        #expect(String(decoding: start.mechanisms, as: UTF8.self) == "PLAIN AMQPLAIN")
        for key in ["product", "version", "platform", "cluster_name"] {
            #expect(start.serverProperties[key]?.string != nil, "missing \(key)")
        }
        guard case .table(let capabilities)? = start.serverProperties["capabilities"] else {
            Issue.record("no capabilities")
            return
        }
        for capability in ["publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify",
                           "connection.blocked", "consumer_priorities", "authentication_failure_close",
                           "per_consumer_qos", "direct_reply_to"] {
            #expect(capabilities[capability] == .bool(true), "capability \(capability)")
        }
    }

    @Test func wrongHeaderIsAnsweredWithOursThenClosed() {
        var machine = ConnectionStateMachine(configuration: .init(), peerIsLoopback: true)
        #expect(machine.protocolHeaderReceived(.rejected) == .rejectProtocolHeader)
    }

    @Test func plainGuestFromLoopbackIsTunedWithRabbitMQsDefaults() {
        var machine = Drive.awaitingStartOk()
        #expect(machine.frameReceived(Drive.method(.connectionStartOk(Drive.plainGuest)))
            == .send(channel: 0, .connectionTune(.init(channelMax: 2047, frameMax: 131_072, heartbeat: 60))))
    }

    @Test func amqplainIsAccepted() {
        var machine = Drive.awaitingStartOk()
        // AMQPLAIN: table entries without the table's size prefix.
        var table = ByteBuffer()
        table.writeAMQPFieldTable(["LOGIN": "guest", "PASSWORD": "guest"])
        let response = Array(table.readableBytesView.dropFirst(4))
        let startOk = Connection.StartOk(mechanism: "AMQPLAIN", response: response)
        guard case .send(0, .connectionTune) = machine.frameReceived(Drive.method(.connectionStartOk(startOk))) else {
            Issue.record("AMQPLAIN login refused")
            return
        }
    }

    @Test func guestFromAnotherHostIsRefusedWith403() {
        var machine = ConnectionStateMachine(configuration: .init(), peerIsLoopback: false)
        _ = machine.protocolHeaderReceived(.accepted)
        let action = machine.frameReceived(Drive.method(.connectionStartOk(Drive.plainGuest)))
        // Refused after the handler's delay, with the close the client asked for.
        guard case .refuseLogin(let close?) = action else {
            Issue.record("expected a delayed refusal with connection.close, got \(action)")
            return
        }
        #expect(close.replyCode == 403)
        #expect(close.replyText == "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.")
    }

    @Test func wrongPasswordWithoutTheCapabilityJustDisconnects() {
        var machine = Drive.awaitingStartOk()
        let startOk = Connection.StartOk(mechanism: "PLAIN", response: Array("\0guest\0nope".utf8))
        #expect(machine.frameReceived(Drive.method(.connectionStartOk(startOk))) == .refuseLogin(nil))
    }

    @Test func aRefusedLoginClosesOnlyAfterTheDelay() throws {
        let server = try EmbeddedAMQPServer()
        try server.send(ProtocolHeader.amqp091)
        _ = try server.writtenFrames()
        try server.send(.connectionStartOk(.init(
            clientProperties: ["capabilities": .table(["authentication_failure_close": true])],
            mechanism: "PLAIN", response: Array("\0guest\0wrong".utf8), locale: "en_US")))
        #expect(try server.writtenFrames() == [])
        server.loop.advanceTime(by: .milliseconds(999))
        #expect(!server.isClosed)
        server.loop.advanceTime(by: .milliseconds(1))
        #expect(EmbeddedAMQPServer.connectionClose(in: try server.writtenFrames())?.replyCode == 403)
        #expect(server.isClosed)
    }

    @Test func unknownMechanismDisconnectsAsRabbitMQDoesBeforeTuning() {
        var machine = Drive.awaitingStartOk()
        let startOk = Connection.StartOk(mechanism: "CRAM-MD5", response: [])
        #expect(machine.frameReceived(Drive.method(.connectionStartOk(startOk))) == .disconnect)
    }

    @Test(arguments: [
        (Connection.TuneOk(channelMax: 2047, frameMax: 1024, heartbeat: 0), false),
        (Connection.TuneOk(channelMax: 2047, frameMax: 200_000, heartbeat: 0), false),
        (Connection.TuneOk(channelMax: 4000, frameMax: 131_072, heartbeat: 0), false),
        (Connection.TuneOk(channelMax: 100, frameMax: 8192, heartbeat: 5), true),
    ])
    func tuneOkIsNegotiatedAsRabbitMQDoes(tuneOk: Connection.TuneOk, accepted: Bool) {
        var machine = Drive.awaitingTuneOk()
        let action = machine.frameReceived(Drive.method(.connectionTuneOk(tuneOk)))
        if accepted {
            #expect(action == .tuned(frameMax: 8192, heartbeatSeconds: 5))
            #expect(machine.channelMax == 100)
        } else {
            #expect(action == .disconnect)
        }
    }

    @Test func unknownVhostIsRefusedWith530() {
        var machine = Drive.awaitingOpen()
        let action = machine.frameReceived(Drive.method(.connectionOpen(.init(virtualHost: "nope"))))
        #expect(action.closeCode == 530)
        #expect(action.closeText == "NOT_ALLOWED - vhost nope not found")
    }

    @Test func defaultVhostOpens() {
        var machine = Drive.awaitingOpen()
        #expect(machine.frameReceived(Drive.method(.connectionOpen(.init(virtualHost: "/"))))
            == .opened(user: "guest", virtualHost: "/"))
        #expect(machine.isOpen)
    }

    @Test func clientCloseIsAnsweredAndDisconnected() {
        var machine = Drive.openChannel()
        #expect(machine.frameReceived(Drive.method(.connectionClose(.init(replyCode: 200, replyText: "bye"))))
            == .sendCloseOkAndDisconnect)
    }

    @Test func shutdownClosesWith320() {
        var machine = Drive.open()
        #expect(machine.shutdown().closeCode == 320)
        // close-ok from the client then ends the connection.
        #expect(machine.frameReceived(Drive.method(.connectionCloseOk(.init()))) == .disconnect)
    }

    @Test func shutdownDuringHandshakeDisconnects() {
        var machine = Drive.awaitingTuneOk()
        #expect(machine.shutdown() == .disconnect)
    }

    @Test func handshakeTimeoutDisconnects() {
        var machine = Drive.awaitingOpen()
        #expect(machine.timedOut() == .disconnect)
    }

    @Test func heartbeatsOnChannelZeroAreAcceptedInEveryState() {
        for var machine in [Drive.awaitingStartOk(), Drive.awaitingTuneOk(), Drive.awaitingOpen(), Drive.open()] {
            #expect(machine.frameReceived(Frame(channel: 0, payload: .heartbeat)) == .none)
        }
    }
}
