import AMQPProtocol
import NIOCore
import Testing
import WarrenAMQP

/// Every connection and channel state against every kind of frame that does not belong
/// there: the outcome is always a close with RabbitMQ's code (or silence while closing),
/// never a crash and never a frame handed to the broker.
@Suite struct UnexpectedFrameMatrixTests {
    enum State: String, CaseIterable {
        case awaitingStartOk, awaitingTuneOk, awaitingOpen, open, channelAwaitingHeader, channelAwaitingBody, closing

        func machine() -> ConnectionStateMachine {
            switch self {
            case .awaitingStartOk: return Drive.awaitingStartOk()
            case .awaitingTuneOk: return Drive.awaitingTuneOk()
            case .awaitingOpen: return Drive.awaitingOpen()
            case .open: return Drive.openChannel()
            case .channelAwaitingHeader:
                var machine = Drive.openChannel()
                _ = machine.frameReceived(Drive.method(Drive.publish, channel: 1))
                return machine
            case .channelAwaitingBody:
                var machine = Drive.openChannel()
                _ = machine.frameReceived(Drive.method(Drive.publish, channel: 1))
                _ = machine.frameReceived(Drive.header(bodySize: 10))
                return machine
            case .closing: return Drive.closing()
            }
        }
    }

    enum Intruder: String, CaseIterable {
        case startOkAgain, tuneOkAgain, openAgain, headerOnChannel1, bodyOnChannel1, heartbeatOnChannel1,
             basicDeliverFromClient, queueDeclareOnChannel0, channelOpenOkFromClient

        var frame: Frame {
            switch self {
            case .startOkAgain: return Drive.method(.connectionStartOk(Drive.plainGuest))
            case .tuneOkAgain: return Drive.method(.connectionTuneOk(.init(channelMax: 1, frameMax: 4096, heartbeat: 0)))
            case .openAgain: return Drive.method(.connectionOpen(.init(virtualHost: "/")))
            case .headerOnChannel1: return Drive.header(bodySize: 1)
            case .bodyOnChannel1: return Drive.body("x")
            case .heartbeatOnChannel1: return Frame(channel: 1, payload: .heartbeat)
            case .basicDeliverFromClient: return Drive.method(.basicDeliver(.init(consumerTag: "c", deliveryTag: 1)), channel: 1)
            case .queueDeclareOnChannel0: return Drive.method(.queueDeclare(.init(queue: "q")))
            case .channelOpenOkFromClient: return Drive.method(.channelOpenOk(.init()), channel: 1)
            }
        }
    }

    /// Frames that are expected in a state, so not intruders there.
    static func isExpected(_ intruder: Intruder, in state: State) -> Bool {
        switch (state, intruder) {
        case (.awaitingStartOk, .startOkAgain), (.awaitingTuneOk, .tuneOkAgain), (.awaitingOpen, .openAgain):
            return true
        case (.channelAwaitingHeader, .headerOnChannel1), (.channelAwaitingBody, .bodyOnChannel1):
            return true
        default:
            return false
        }
    }

    static let pairs: [(State, Intruder)] = State.allCases.flatMap { state in
        Intruder.allCases.filter { !isExpected($0, in: state) }.map { (state, $0) }
    }

    @Test(arguments: pairs)
    func unexpectedFrameClosesWithRabbitMQsCode(state: State, intruder: Intruder) {
        var machine = state.machine()
        let action = machine.frameReceived(intruder.frame)
        switch state {
        case .awaitingStartOk, .awaitingTuneOk:
            // Before tuning completes RabbitMQ closes the socket without a close method.
            #expect(action == .disconnect)
        case .closing:
            #expect(action == .none)
        default:
            guard let code = action.closeCode else {
                Issue.record("\(state) + \(intruder): expected connection.close, got \(action)")
                return
            }
            #expect([501, 503, 504, 505].contains(code), "\(state) + \(intruder): code \(code)")
        }
        // Whatever happened, nothing further reaches the broker.
        if case .channel(_, .brokerMethod) = action { Issue.record("handed to the broker") }
        if case .channel(_, .publish) = action { Issue.record("handed to the broker") }
    }
}
