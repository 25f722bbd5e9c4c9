// ChannelStateMachine.swift: one AMQP channel: open, flow, close and content assembly.
import AMQPProtocol

/// What the connection should do after a frame on an open channel.
public enum ChannelEvent: Equatable, Sendable {
    /// Nothing to do (a frame of a message still being assembled, or a frame dropped while closing).
    case none
    /// Reply to the client on this channel.
    case reply(Method)
    /// A method for the broker (declare, consume, ack...).
    case brokerMethod(Method)
    /// A whole published message for the broker.
    case publish(AssembledContent)
    /// The client closed the channel: release its broker state, then send close-ok.
    case closedByClient
    /// The client confirmed our `channel.close`: release the channel number.
    case closeConfirmed
}

/// State of one channel, after `channel.open`. Pure value type; the connection owns one per id.
struct ChannelStateMachine {
    enum State {
        case open
        /// We sent `channel.close`; everything but close and close-ok is dropped until close-ok.
        case closing
    }

    private(set) var state = State.open
    private var content: ContentAssembler

    init(bodySizeMax: Int = ConnectionConfiguration.messageSizeBytesMaxDefault) {
        content = ContentAssembler(bodySizeMax: UInt64(bodySizeMax))
    }

    /// A method, header or body frame arrived on this channel.
    mutating func frameReceived(_ payload: Frame.Payload) throws(ProtocolError) -> ChannelEvent {
        if case .closing = state { return closingFrameReceived(payload) }
        if !content.isIdle {
            return try content.frameReceived(payload).map(ChannelEvent.publish) ?? .none
        }
        switch payload {
        case .method(let method):
            return try methodReceived(method)
        case .header, .body:
            throw ProtocolError(.unexpectedFrame, "expected method frame, got non method frame instead")
        case .heartbeat:
            preconditionFailure("heartbeats are handled by the connection")
        }
    }

    private mutating func methodReceived(_ method: Method) throws(ProtocolError) -> ChannelEvent {
        switch method {
        case .basicPublish(let publish):
            content.publishReceived(publish)
            return .none
        case .channelOpen:
            throw ProtocolError(.channelError, "second 'channel.open' seen", method: method)
        case .channelClose:
            return .closedByClient
        case .channelCloseOk:
            // A close-ok we never asked for: RabbitMQ treats it as a no-op.
            return .none
        case .channelFlow(let flow):
            guard flow.active else {
                throw ProtocolError(.notImplemented, "active=false", method: method)
            }
            return .reply(.channelFlowOk(.init(active: true)))
        case .channelFlowOk:
            return .none
        case .basicCancelOk:
            // Answer to a server-sent basic.cancel; nothing left to do.
            return .none
        case .accessRequest:
            return .reply(.accessRequestOk(.init(ticket: 1)))
        case _ where Self.isClientMethod(method):
            return .brokerMethod(method)
        default:
            throw ProtocolError(.commandInvalid, "unimplemented method", method: method)
        }
    }

    private mutating func closingFrameReceived(_ payload: Frame.Payload) -> ChannelEvent {
        switch payload {
        case .method(.channelCloseOk):
            return .closeConfirmed
        case .method(.channelClose):
            // Both sides closed at once: answer, and the channel is done.
            return .closedByClient
        default:
            return .none
        }
    }

    /// The server closes the channel with a soft error.
    mutating func close() {
        state = .closing
        content = ContentAssembler(bodySizeMax: content.bodySizeMax)
    }

    /// Methods a client sends on a channel for the broker to carry out.
    static func isClientMethod(_ method: Method) -> Bool {
        switch method {
        case .exchangeDeclare, .exchangeDelete, .exchangeBind, .exchangeUnbind,
             .queueDeclare, .queueBind, .queuePurge, .queueDelete, .queueUnbind,
             .basicQos, .basicConsume, .basicCancel, .basicGet, .basicAck, .basicReject,
             .basicRecoverAsync, .basicRecover, .basicNack,
             .txSelect, .txCommit, .txRollback, .confirmSelect:
            return true
        default:
            return false
        }
    }
}
