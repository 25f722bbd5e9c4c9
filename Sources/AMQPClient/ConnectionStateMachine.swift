// ConnectionStateMachine.swift: the connection class (channel 0) as a value-type state
// machine: handshake, heartbeat bookkeeping, blocking notifications and close. Inbound
// events go in; an `Action` for `AMQPClientHandler` to run comes out. No I/O here.
import AMQPProtocol

/// A `connection.blocked` or `connection.unblocked` notification.
public enum AMQPBlockedEvent: Equatable, Sendable {
    /// The server stopped reading from this connection (e.g. a memory or disk alarm).
    case blocked(reason: String)
    /// The server reads again.
    case unblocked
}

struct ConnectionStateMachine {
    /// Connection states, in handshake order.
    enum State: Equatable {
        case initial, awaitingStart, awaitingTune, awaitingOpenOk, open, closing, closed
    }

    /// What the handler must do.
    enum Action: Equatable {
        case none
        /// Send the protocol header and start the handshake deadline.
        case sendProtocolHeader
        /// Send these channel-0 methods and flush.
        case send([Method])
        /// Apply the tuning (decoder limit, heartbeat timer), then send `tune-ok` and `open`.
        case tuned(AMQPTuning, send: [Method])
        /// `open-ok` arrived: the connection is usable.
        case handshakeCompleted
        /// Tell the blocked-state callback.
        case notifyBlocked(AMQPBlockedEvent)
        /// Send a heartbeat frame and flush.
        case sendHeartbeat
        /// Optionally send `method`, then fail everything with `error` and close the socket.
        case fail(AMQPClientError, send: Method?)
        /// `close-ok` arrived after our `connection.close`: close the socket, no error.
        case closeCleanly
    }

    let configuration: AMQPConnectionConfiguration
    private(set) var state: State = .initial
    private(set) var tuning = AMQPTuning(channelMax: 0, frameMax: AMQPLimits.frameSizeBytesMin, heartbeatSeconds: 0)
    private(set) var serverProperties = FieldTable()
    private var receivedSinceTick = false
    private var silentTicks = 0

    init(configuration: AMQPConnectionConfiguration) {
        self.configuration = configuration
    }

    /// True once `open-ok` arrived and until a close starts.
    var isOpen: Bool { state == .open }

    mutating func channelActivated() -> Action {
        guard state == .initial else { return .none }
        state = .awaitingStart
        return .sendProtocolHeader
    }

    /// Any bytes arrived (they count as a sign of life for heartbeats).
    mutating func bytesReceived() {
        receivedSinceTick = true
    }

    mutating func methodReceived(_ method: Method) -> Action {
        switch (state, method) {
        case (.awaitingStart, .connectionStart(let start)):
            return startReceived(start)
        case (.awaitingTune, .connectionTune(let tune)):
            tuning = AMQPTuning.negotiate(server: tune, client: configuration)
            state = .awaitingOpenOk
            receivedSinceTick = false
            return .tuned(tuning, send: [
                .connectionTuneOk(.init(channelMax: tuning.channelMax, frameMax: tuning.frameMax,
                                        heartbeat: tuning.heartbeatSeconds)),
                .connectionOpen(.init(virtualHost: configuration.virtualHost)),
            ])
        case (.awaitingOpenOk, .connectionOpenOk):
            state = .open
            return .handshakeCompleted
        case (.closed, _):
            return .none
        case (_, .connectionClose(let close)):
            state = .closed
            return .fail(.connectionClosedByServer(replyCode: close.replyCode, replyText: close.replyText,
                                                   classID: close.classId, methodID: close.methodId),
                         send: .connectionCloseOk(.init()))
        case (.closing, .connectionCloseOk):
            state = .closed
            return .closeCleanly
        case (.open, .connectionBlocked(let blocked)), (.closing, .connectionBlocked(let blocked)):
            return .notifyBlocked(.blocked(reason: blocked.reason))
        case (.open, .connectionUnblocked), (.closing, .connectionUnblocked):
            return .notifyBlocked(.unblocked)
        case (.open, .connectionUpdateSecretOk), (.closing, _):
            return .none  // while closing, everything but close/close-ok is dropped
        default:
            return protocolViolation(.unexpectedFrame("\(method.name) on channel 0 in state \(state)"))
        }
    }

    private mutating func startReceived(_ start: Connection.Start) -> Action {
        let mechanisms = String(decoding: start.mechanisms, as: UTF8.self)
        guard mechanisms.split(separator: " ").contains("PLAIN") else {
            state = .closed
            return .fail(.unsupportedMechanisms(mechanisms), send: nil)
        }
        serverProperties = start.serverProperties
        state = .awaitingTune
        let response = [0] + Array(configuration.username.utf8) + [0] + Array(configuration.password.utf8)
        return .send([.connectionStartOk(.init(clientProperties: configuration.clientProperties, mechanism: "PLAIN",
                                               response: response, locale: "en_US"))])
    }

    /// The peer broke the protocol: close with `error`'s reply code.
    mutating func protocolViolation(_ error: AMQPClientError,
                                    replyCode: ReplyCode = .unexpectedFrame) -> Action {
        guard state != .closed else { return .none }
        let wasOpen = state != .initial && state != .awaitingStart
        state = .closed
        let text: String
        switch error {
        case .protocolError(let why), .unexpectedFrame(let why): text = why
        default: text = "\(error)"
        }
        // Before start-ok the server does not expect a close; just drop the socket.
        return .fail(error, send: wasOpen ? .connectionClose(.init(replyCode: replyCode.rawValue, replyText: text)) : nil)
    }

    /// The heartbeat interval passed: send one, or give up after two silent intervals.
    mutating func heartbeatTick() -> Action {
        guard state != .closed else { return .none }
        silentTicks = receivedSinceTick ? 0 : silentTicks + 1
        receivedSinceTick = false
        if silentTicks >= 2 {
            state = .closed
            return .fail(.timeout("no frame from the server for 2 heartbeat intervals (\(tuning.heartbeatSeconds) s each)"),
                         send: nil)
        }
        return .sendHeartbeat
    }

    /// The handshake deadline passed.
    mutating func handshakeTimedOut() -> Action {
        guard state != .open, state != .closing, state != .closed else { return .none }
        state = .closed
        return .fail(.timeout("AMQP handshake took longer than \(configuration.handshakeTimeout)"), send: nil)
    }

    /// The close deadline passed without `close-ok`.
    mutating func closeTimedOut() -> Action {
        guard state == .closing else { return .none }
        state = .closed
        return .fail(.timeout("no connection.close-ok from the server"), send: nil)
    }

    /// The user asked to close.
    mutating func closeRequested(replyCode: UInt16, replyText: String) -> Action {
        switch state {
        case .closing, .closed:
            return .none
        case .initial:
            state = .closed
            return .closeCleanly
        case .awaitingStart, .awaitingTune, .awaitingOpenOk, .open:
            state = .closing
            return .send([.connectionClose(.init(replyCode: replyCode, replyText: replyText))])
        }
    }

    /// The socket closed or the handler was removed.
    mutating func transportClosed() {
        state = .closed
    }
}
