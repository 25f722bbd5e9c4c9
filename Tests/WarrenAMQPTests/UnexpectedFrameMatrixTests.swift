import AMQPProtocol
import NIOCore
import Testing
import WarrenAMQP

/// Every connection and channel state against every kind of frame that does not belong
/// there: the outcome is always a close with RabbitMQ's code (or silence while closing),
/// never a crash and never a frame handed to the broker.
@Suite struct UnexpectedFrameMatrixTests {
    enum State: String, CaseIterable {
        case awaitingStartOk, awaitingTuneOk, awaitingOpen, open, channelAwaitingHeader, channelAwaitingBody, channelClosing,
             closing, closed

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
            case .channelClosing:
                // The server closed channel 1 (a soft error) and waits for its close-ok.
                var machine = Drive.openChannel()
                _ = machine.channelFailed(1, ProtocolError(.notFound, "test"))
                return machine
            case .closing: return Drive.closing()
            case .closed:
                var machine = Drive.openChannel()
                _ = machine.timedOut()
                return machine
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

    /// What each pair must give: RabbitMQ's reply code, a silent disconnect before tuning, or
    /// nothing while closing (a closing channel drops its own frames; a closed connection all).
    enum Outcome: Equatable { case close(UInt16), disconnect, ignored }

    static func expected(_ state: State, _ intruder: Intruder) -> Outcome {
        let onChannel1: Set<Intruder> = [.headerOnChannel1, .bodyOnChannel1, .basicDeliverFromClient, .channelOpenOkFromClient]
        switch state {
        case .awaitingStartOk, .awaitingTuneOk: return .disconnect
        case .closing, .closed: return .ignored
        default: break
        }
        if intruder == .heartbeatOnChannel1 { return .close(505) }  // UNEXPECTED_FRAME: heartbeats are channel 0's
        guard onChannel1.contains(intruder) else { return .close(504) }  // CHANNEL_ERROR: not a method for channel 0
        switch state {
        case .channelClosing: return .ignored
        case .open:
            // A method the client may not send: 503 COMMAND_INVALID; content with no method: 505.
            return [.basicDeliverFromClient, .channelOpenOkFromClient].contains(intruder) ? .close(503) : .close(505)
        default:
            // Before connection.open, or in the middle of a message's content: UNEXPECTED_FRAME.
            return .close(505)
        }
    }

    @Test(arguments: pairs)
    func unexpectedFrameClosesWithRabbitMQsCode(state: State, intruder: Intruder) {
        var machine = state.machine()
        let action = machine.frameReceived(intruder.frame)
        let outcome: Outcome?
        switch action {
        case .disconnect: outcome = .disconnect
        case .none, .channel(_, .none): outcome = .ignored
        default: outcome = action.closeCode.map(Outcome.close)
        }
        #expect(outcome == Self.expected(state, intruder), "\(state) + \(intruder): got \(action)")
        // Whatever happened, nothing further reaches the broker.
        if case .channel(_, .brokerMethod) = action { Issue.record("handed to the broker") }
        if case .channel(_, .publish) = action { Issue.record("handed to the broker") }
    }
}
