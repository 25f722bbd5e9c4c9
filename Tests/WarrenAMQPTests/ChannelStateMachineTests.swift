import AMQPProtocol
import NIOCore
import Testing
import WarrenAMQP
import WarrenBroker

@Suite struct ChannelStateMachineTests {
    @Test func openAnsweredWithOpenOk() {
        var machine = Drive.open()
        #expect(machine.frameReceived(Drive.method(.channelOpen(.init()), channel: 1)) == .channelOpened(1))
    }

    @Test func secondOpenOfTheSameChannelIs504() {
        var machine = Drive.openChannel()
        let action = machine.frameReceived(Drive.method(.channelOpen(.init()), channel: 1))
        #expect(action.closeCode == 504)
        #expect(action.closeText == "CHANNEL_ERROR - second 'channel.open' seen")
    }

    @Test func methodOnAChannelNeverOpenedIs504() {
        var machine = Drive.open()
        let action = machine.frameReceived(Drive.method(.queueDeclare(.init(queue: "q")), channel: 5))
        #expect(action.closeCode == 504)
        #expect(action.closeText == "CHANNEL_ERROR - expected 'channel.open'")
    }

    @Test func aBodyLargerThanTheMaximumIsRefused406BeforeItArrives() {
        var configuration = ConnectionConfiguration()
        configuration.messageSizeBytesMax = 1024
        var machine = ConnectionStateMachine(configuration: configuration, peerIsLoopback: true)
        _ = machine.protocolHeaderReceived(.accepted)
        _ = machine.frameReceived(Drive.method(.connectionStartOk(Drive.plainGuest)))
        _ = machine.frameReceived(Drive.method(.connectionTuneOk(.init(channelMax: 2047, frameMax: 131_072, heartbeat: 0))))
        _ = machine.frameReceived(Drive.method(.connectionOpen(.init(virtualHost: "/"))))
        _ = machine.frameReceived(Drive.method(.channelOpen(.init()), channel: 1))
        // At the limit: accepted.
        #expect(machine.frameReceived(Drive.method(Drive.publish, channel: 1)) == .channel(1, .none))
        #expect(machine.frameReceived(Drive.header(bodySize: 1024)) == .channel(1, .none))
        if case .channel(1, .publish) = machine.frameReceived(Drive.body(String(repeating: "x", count: 1024))) {} else {
            Issue.record("a body at the limit should be published")
        }
        // One byte over: the channel closes with RabbitMQ's text as soon as the header says so.
        _ = machine.frameReceived(Drive.method(Drive.publish, channel: 1))
        let refused = machine.frameReceived(Drive.header(bodySize: 1025))
        #expect(refused.channelCloseCode == 406)
        if case .send(1, .channelClose(let close)) = refused {
            #expect(close.replyText == "PRECONDITION_FAILED - message size 1025 is larger than configured max size 1024")
        }
        // The body frames that follow are dropped with the closing channel.
        #expect(machine.frameReceived(Drive.body("x")) == .channel(1, .none))
    }

    @Test func channelAboveChannelMaxIs530() {
        var machine = Drive.open()
        #expect(machine.frameReceived(Drive.method(.channelOpen(.init()), channel: 3000)).closeCode == 530)
    }

    @Test func clientCloseReleasesThenAnswers() {
        var machine = Drive.openChannel()
        #expect(machine.frameReceived(Drive.method(.channelClose(.init(replyCode: 200)), channel: 1))
            == .channel(1, .closedByClient))
        #expect(machine.channelReleased(1) == .send(channel: 1, .channelCloseOk(.init())))
        // The number is free again.
        #expect(machine.frameReceived(Drive.method(.channelOpen(.init()), channel: 1)) == .channelOpened(1))
    }

    @Test func softErrorClosesTheChannelAndDropsFramesUntilCloseOk() {
        var machine = Drive.openChannel()
        let action = machine.channelFailed(1, ProtocolError(.notFound, "no queue 'q' in vhost '/'", classID: 50, methodID: 10))
        #expect(action == .send(channel: 1, .channelClose(.init(
            replyCode: 404, replyText: "NOT_FOUND - no queue 'q' in vhost '/'", classId: 50, methodId: 10))))
        #expect(machine.frameReceived(Drive.method(Drive.publish, channel: 1)) == .channel(1, .none))
        #expect(machine.frameReceived(Drive.body("x")) == .channel(1, .none))
        #expect(machine.frameReceived(Drive.method(.channelCloseOk(.init()), channel: 1)) == .channel(1, .closeConfirmed))
        #expect(machine.frameReceived(Drive.method(.channelOpen(.init()), channel: 1)) == .channelOpened(1))
    }

    @Test func flowActiveIsAnsweredAndInactiveIsNotImplemented() {
        var machine = Drive.openChannel()
        #expect(machine.frameReceived(Drive.method(.channelFlow(.init(active: true)), channel: 1))
            == .channel(1, .reply(.channelFlowOk(.init(active: true)))))
        #expect(machine.frameReceived(Drive.method(.channelFlow(.init(active: false)), channel: 1)).closeCode == 540)
    }

    @Test func brokerMethodsAreHandedOn() {
        var machine = Drive.openChannel()
        let declare = Method.queueDeclare(.init(queue: "q", durable: true))
        #expect(machine.frameReceived(Drive.method(declare, channel: 1)) == .channel(1, .brokerMethod(declare)))
    }

    @Test func contentIsAssembledAcrossBodyFrames() {
        var machine = Drive.openChannel()
        #expect(machine.frameReceived(Drive.method(Drive.publish, channel: 1)) == .channel(1, .none))
        #expect(machine.frameReceived(Drive.header(bodySize: 6)) == .channel(1, .none))
        #expect(machine.frameReceived(Drive.body("abc")) == .channel(1, .none))
        guard case .channel(1, .publish(let content)) = machine.frameReceived(Drive.body("def")) else {
            Issue.record("message not complete")
            return
        }
        #expect(content.body == ByteBuffer(string: "abcdef"))
        #expect(content.publish.routingKey == "q")
    }

    @Test func emptyBodyCompletesAtTheHeader() {
        var machine = Drive.openChannel()
        _ = machine.frameReceived(Drive.method(Drive.publish, channel: 1))
        guard case .channel(1, .publish(let content)) = machine.frameReceived(Drive.header(bodySize: 0)) else {
            Issue.record("empty message not complete")
            return
        }
        #expect(content.body.readableBytes == 0)
    }

    @Test func bodyLongerThanDeclaredIsAFrameError() {
        var machine = Drive.openChannel()
        _ = machine.frameReceived(Drive.method(Drive.publish, channel: 1))
        _ = machine.frameReceived(Drive.header(bodySize: 3))
        #expect(machine.frameReceived(Drive.body("abcdef")).closeCode == 501)
    }

    @Test func headerOfAnotherClassIsUnexpected() {
        var machine = Drive.openChannel()
        _ = machine.frameReceived(Drive.method(Drive.publish, channel: 1))
        let action = machine.frameReceived(Drive.header(bodySize: 3, classID: 50))
        #expect(action.closeCode == 505)
        #expect(action.closeText == "UNEXPECTED_FRAME - expected content header for class 60, got one for class 50 instead")
    }

    @Test func serverOnlyMethodFromTheClientIsCommandInvalid() {
        var machine = Drive.openChannel()
        let action = machine.frameReceived(Drive.method(.channelOpenOk(.init()), channel: 1))
        #expect(action.closeCode == 503)
        #expect(action.closeText == "COMMAND_INVALID - unimplemented method")
    }
}
