// ConnectionStateMachineTests.swift: channel 0's state machine with plain calls, including
// events that arrive in the wrong state.
@testable import AMQPClient
import AMQPProtocol
import Testing

@Suite struct ConnectionStateMachineTests {
    static func openMachine(heartbeat: UInt16 = 0) -> ConnectionStateMachine {
        var machine = ConnectionStateMachine(configuration: .init(heartbeatSeconds: heartbeat))
        _ = machine.channelActivated()
        _ = machine.methodReceived(.connectionStart(.init()))
        _ = machine.methodReceived(.connectionTune(.init(channelMax: 0, frameMax: 131_072, heartbeat: heartbeat)))
        _ = machine.methodReceived(.connectionOpenOk(.init()))
        return machine
    }

    @Test func handshakeRunsInOrder() {
        var machine = ConnectionStateMachine(configuration: .init(username: "u", password: "p", virtualHost: "v"))
        #expect(machine.channelActivated() == .sendProtocolHeader)
        #expect(machine.channelActivated() == .none)
        guard case .send(let startOk) = machine.methodReceived(.connectionStart(.init())),
              case .connectionStartOk(let ok) = startOk.first else {
            Issue.record("expected start-ok")
            return
        }
        #expect(ok.response == [0, UInt8(ascii: "u"), 0, UInt8(ascii: "p")])
        let tuning = AMQPTuning(channelMax: 2047, frameMax: 131_072, heartbeatSeconds: 60)
        #expect(machine.methodReceived(.connectionTune(.init(channelMax: 0, frameMax: 0, heartbeat: 0)))
                == .tuned(tuning, send: [.connectionTuneOk(.init(channelMax: 2047, frameMax: 131_072, heartbeat: 60)),
                                         .connectionOpen(.init(virtualHost: "v"))]))
        #expect(machine.methodReceived(.connectionOpenOk(.init())) == .handshakeCompleted)
        #expect(machine.isOpen)
    }

    @Test(arguments: [
        Method.connectionTune(.init()), .connectionOpenOk(.init()), .connectionCloseOk(.init()),
        .connectionBlocked(.init()), .channelOpenOk(.init()),
    ])
    func unexpectedMethodBeforeStartFailsWithoutClose(method: Method) {
        var machine = ConnectionStateMachine(configuration: .init())
        _ = machine.channelActivated()
        guard case .fail(.unexpectedFrame, send: nil) = machine.methodReceived(method) else {
            Issue.record("expected a failure for \(method.name)")
            return
        }
        #expect(machine.state == .closed)
    }

    @Test(arguments: [
        Method.connectionStart(.init()), .connectionTune(.init()), .connectionOpenOk(.init()),
        .connectionCloseOk(.init()), .queueDeclareOk(.init()),
    ])
    func unexpectedMethodWhenOpenClosesWith505(method: Method) {
        var machine = Self.openMachine()
        guard case .fail(.unexpectedFrame, send: .connectionClose(let close)) = machine.methodReceived(method) else {
            Issue.record("expected a failure for \(method.name)")
            return
        }
        #expect(close.replyCode == 505)
        #expect(machine.methodReceived(.connectionClose(.init())) == .none)
    }

    @Test func serverCloseIsAnsweredInAnyStateBeforeClosed() {
        var machine = ConnectionStateMachine(configuration: .init())
        _ = machine.channelActivated()
        _ = machine.methodReceived(.connectionStart(.init()))
        let action = machine.methodReceived(.connectionClose(.init(replyCode: 403, replyText: "ACCESS_REFUSED")))
        #expect(action == .fail(.connectionClosedByServer(replyCode: 403, replyText: "ACCESS_REFUSED", classID: 0,
                                                          methodID: 0), send: .connectionCloseOk(.init())))
    }

    @Test func clientCloseDropsEverythingButCloseAndCloseOk() {
        var machine = Self.openMachine()
        #expect(machine.closeRequested(replyCode: 200, replyText: "bye")
                == .send([.connectionClose(.init(replyCode: 200, replyText: "bye"))]))
        #expect(machine.closeRequested(replyCode: 200, replyText: "bye") == .none)
        #expect(machine.methodReceived(.connectionStart(.init())) == .none)
        #expect(machine.methodReceived(.connectionCloseOk(.init())) == .closeCleanly)
        #expect(machine.closeTimedOut() == .none)
    }

    @Test func heartbeatsCountSilentIntervals() {
        var machine = Self.openMachine(heartbeat: 5)
        #expect(machine.heartbeatTick() == .sendHeartbeat)  // one silent interval: still fine
        machine.bytesReceived()
        #expect(machine.heartbeatTick() == .sendHeartbeat)
        #expect(machine.heartbeatTick() == .sendHeartbeat)  // one silent interval
        guard case .fail(.timeout, send: nil) = machine.heartbeatTick() else {
            Issue.record("expected a timeout after two silent intervals")
            return
        }
        #expect(machine.heartbeatTick() == .none)
    }

    @Test func handshakeTimeoutOnlyBeforeOpen() {
        var open = Self.openMachine()
        #expect(open.handshakeTimedOut() == .none)
        var waiting = ConnectionStateMachine(configuration: .init())
        _ = waiting.channelActivated()
        guard case .fail(.timeout, send: nil) = waiting.handshakeTimedOut() else {
            Issue.record("expected a timeout")
            return
        }
    }
}
