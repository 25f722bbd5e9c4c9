// ConnectionStateMachine.swift: the AMQP connection handshake and the open connection.
import AMQPProtocol

/// The state of one AMQP connection, as a value: header, start/start-ok, tune/tune-ok, open,
/// channels, close. Each event returns the one action the handler must carry out. It has no
/// I/O and no clock: the handler owns timers and reports their expiry.
public struct ConnectionStateMachine {
    enum State {
        case awaitingProtocolHeader
        case awaitingStartOk
        case awaitingTuneOk(user: String)
        case awaitingOpen(user: String)
        case open(user: String, virtualHost: String)
        /// We sent `connection.close`; only close and close-ok matter now.
        case closing
        case closed
    }

    let configuration: ConnectionConfiguration
    let peerIsLoopback: Bool
    var state = State.awaitingProtocolHeader
    /// Negotiated limits (the offered ones until `tune-ok`).
    public internal(set) var channelMax: UInt16
    public internal(set) var frameMax: UInt32
    public internal(set) var heartbeatSeconds: UInt16 = 0
    /// The user name a verified TLS client certificate gives (its CN); with one, `EXTERNAL` is
    /// offered and logs in as that user. Set by the handler once the TLS handshake completed.
    public var certificateIdentity: String?
    /// Whether the client asked to be told why a login failed.
    var clientWantsAuthFailureClose = false
    /// Whether the client announced the `connection.blocked` capability.
    public internal(set) var clientWantsBlockedNotifications = false
    /// The client's properties from start-ok, for operators.
    public internal(set) var clientProperties = FieldTable()
    var channels = ChannelTable<ChannelStateMachine>()

    public init(configuration: ConnectionConfiguration, peerIsLoopback: Bool) {
        self.configuration = configuration
        self.peerIsLoopback = peerIsLoopback
        self.channelMax = configuration.channelMax
        self.frameMax = AMQPLimits.frameSizeBytesMin
    }

    /// True once `connection.open` has been answered and until close.
    public var isOpen: Bool {
        if case .open = state { return true }
        return false
    }

    /// The first 8 bytes arrived.
    public mutating func protocolHeaderReceived(_ check: ProtocolHeader.Check) -> ConnectionAction {
        guard case .awaitingProtocolHeader = state else { preconditionFailure("header received twice") }
        switch check {
        case .accepted:
            state = .awaitingStartOk
            return .send(channel: 0, .connectionStart(configuration.start(offeringExternal: certificateIdentity != nil)))
        case .rejected:
            state = .closed
            return .rejectProtocolHeader
        case .needMoreBytes:
            return .none
        }
    }

    /// Bytes that could not be decoded: a hard error.
    public mutating func decodingFailed(_ error: AMQPDecodingError) -> ConnectionAction {
        if case .closeConnection(let close) = fail(ProtocolError(decoding: error)) {
            state = .closed
            return .closeConnectionAndDisconnect(close)
        }
        return .disconnect
    }

    /// A frame arrived.
    public mutating func frameReceived(_ frame: Frame) -> ConnectionAction {
        if case .heartbeat = frame.payload {
            guard frame.channel == 0 else {
                return fail(ProtocolError(.unexpectedFrame, "type 8 on channel \(frame.channel)"))
            }
            return .none
        }
        switch state {
        case .awaitingProtocolHeader:
            preconditionFailure("frame before the protocol header")
        case .awaitingStartOk, .awaitingTuneOk, .awaitingOpen:
            return handshakeFrameReceived(frame)
        case .open:
            return openFrameReceived(frame)
        case .closing:
            return closingFrameReceived(frame)
        case .closed:
            return .none
        }
    }

    /// The handshake did not complete in time, or the peer went silent: drop the connection.
    public mutating func timedOut() -> ConnectionAction {
        state = .closed
        return .disconnect
    }

    /// The server shuts down: close every connection with 320 CONNECTION_FORCED.
    public mutating func shutdown() -> ConnectionAction {
        switch state {
        case .open:
            return fail(ProtocolError(.connectionForced, "broker forced connection closure with reason 'shutdown'"))
        case .closing, .closed:
            return .none
        default:
            state = .closed
            return .disconnect
        }
    }

    /// An operator closed the connection (management API): 320 CONNECTION_FORCED with their
    /// reason, as RabbitMQ sends it.
    public mutating func forceClose(reason: String) -> ConnectionAction {
        switch state {
        case .open:
            return fail(ProtocolError(.connectionForced, reason))
        case .closing, .closed:
            return .none
        default:
            state = .closed
            return .disconnect
        }
    }

    /// The broker reports a soft error on a channel: close that channel.
    public mutating func channelFailed(_ channel: UInt16, _ error: ProtocolError) -> ConnectionAction {
        guard case .open = state, channels.contains(channel) else { return .none }
        if error.code.isHardError { return fail(error) }
        channels.update(channel) { $0.close() }
        return .send(channel: channel, .channelClose(error.channelClose))
    }

    /// The channel's broker state is released after `closedByClient`: answer and forget it.
    public mutating func channelReleased(_ channel: UInt16) -> ConnectionAction {
        guard channels.removeValue(forKey: channel) != nil else { return .none }
        return .send(channel: channel, .channelCloseOk(.init()))
    }

    /// Any error that closes the connection.
    public mutating func fail(_ error: ProtocolError) -> ConnectionAction {
        switch state {
        case .awaitingProtocolHeader, .awaitingStartOk, .awaitingTuneOk:
            // RabbitMQ sends no connection.close before tuning completes: it closes the socket.
            state = .closed
            return .disconnect
        case .awaitingOpen, .open:
            state = .closing
            channels = [:]
            return .closeConnection(error.connectionClose)
        case .closing, .closed:
            return .none
        }
    }
}
