// ConnectionStateMachine+Open.swift: frames on an open connection: channel 0 and channels.
import AMQPProtocol

extension ConnectionStateMachine {
    mutating func openFrameReceived(_ frame: Frame) -> ConnectionAction {
        if frame.channel == 0 { return channelZeroFrameReceived(frame.payload) }
        guard frame.channel <= channelMax else {
            return fail(ProtocolError(.notAllowed, "channel \(frame.channel) is above the negotiated channel_max (\(channelMax))"))
        }
        do {
            guard let event = try channels.update(frame.channel, { (channel) throws(ProtocolError) in
                try channel.frameReceived(frame.payload)
            }) else {
                return unopenedChannelFrameReceived(frame)
            }
            if case .closeConfirmed = event { channels[frame.channel] = nil }
            return .channel(frame.channel, event)
        } catch {
            return error.code.isHardError ? fail(error) : channelFailed(frame.channel, error)
        }
    }

    private mutating func unopenedChannelFrameReceived(_ frame: Frame) -> ConnectionAction {
        guard case .method(let method) = frame.payload, case .channelOpen = method else {
            if case .method(let method) = frame.payload {
                return fail(ProtocolError(.channelError, "expected 'channel.open'", method: method))
            }
            return fail(ProtocolError(.unexpectedFrame, "expected method frame, got non method frame instead"))
        }
        channels[frame.channel] = ChannelStateMachine(bodySizeMax: configuration.messageSizeBytesMax)
        return .channelOpened(frame.channel)
    }

    private mutating func channelZeroFrameReceived(_ payload: Frame.Payload) -> ConnectionAction {
        guard case .method(let method) = payload else {
            return fail(ProtocolError(.unexpectedFrame, "expected method frame, got non method frame instead"))
        }
        switch method {
        case .connectionClose:
            state = .closed
            channels = [:]
            return .sendCloseOkAndDisconnect
        case .connectionUpdateSecret:
            return .send(channel: 0, .connectionUpdateSecretOk(.init()))
        default:
            return fail(ProtocolError(.channelError, "unexpected method in connection state running", method: method))
        }
    }

    mutating func closingFrameReceived(_ frame: Frame) -> ConnectionAction {
        guard frame.channel == 0, case .method(let method) = frame.payload else { return .none }
        switch method {
        case .connectionCloseOk:
            state = .closed
            return .disconnect
        case .connectionClose:
            state = .closed
            return .sendCloseOkAndDisconnect
        default:
            return .none
        }
    }
}
