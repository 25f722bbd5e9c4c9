// AMQPConnectionHandler+Actions.swift: the one place where actions become effects.
import AMQPProtocol
import Logging
import NIOCore
import WarrenBroker

extension AMQPConnectionHandler {
    /// Seconds to wait for `close-ok` after sending `connection.close` (RabbitMQ waits 3 s).
    static let closeOkTimeoutSeconds: Int64 = 3

    func run(_ action: ConnectionAction, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .send(let channel, let method):
            if case .channelClose = method { session?.channelClosed(channel) }
            write(channel: channel, method)
        case .rejectProtocolHeader:
            stopReading()
            var reply = context.channel.allocator.buffer(capacity: ProtocolHeader.lengthBytes)
            reply.writeBytes(ProtocolHeader.amqp091)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(reply)).whenComplete { _ in channel.close(promise: nil) }
        case .tuned(let frameMax, let heartbeatSeconds):
            decoderFrameMax(frameMax)
            timers.startHeartbeats(context: context, handler: self, seconds: heartbeatSeconds)
        case .opened(let user, let virtualHost):
            timers.cancelHandshakeTimer()
            if let broker {
                // max-connections of the vhost and of the user (RabbitMQ's texts, 530).
                if let refusal = broker.admitConnection(user: user, vhost: virtualHost) {
                    run(machine.fail(ProtocolError(.notAllowed, refusal)), context: context)
                    return
                }
                admitted = (user, virtualHost)
            }
            logger.info("connection opened", metadata: ["user": "\(user)", "vhost": "\(virtualHost)"])
            if let broker {
                session = BrokerSession(broker: broker, connectionID: connectionID, vhost: virtualHost, user: user,
                                        handler: self, context: context)
                registerClient(context: context, user: user, vhost: virtualHost, tls: isTLS)
            }
            write(channel: 0, .connectionOpenOk(.init()))
        case .closeConnection(let close):
            if closeReason == nil { closeReason = "server closed it: \(close.replyCode) \(close.replyText)" }
            logger.info("closing connection", metadata: ["code": "\(close.replyCode)", "text": "\(close.replyText)"])
            write(channel: 0, .connectionClose(close))
            flush(context: context)
            timers.startCloseOkTimer(context: context, handler: self, seconds: Self.closeOkTimeoutSeconds)
        case .closeConnectionAndDisconnect(let close):
            if closeReason == nil { closeReason = "server closed it: \(close.replyCode) \(close.replyText)" }
            logger.info("closing connection", metadata: ["code": "\(close.replyCode)", "text": "\(close.replyText)"])
            stopReading()
            write(channel: 0, .connectionClose(close))
            flushThenClose(context: context)
        case .sendCloseOkAndDisconnect:
            if closeReason == nil { closeReason = "client closed it" }
            stopReading()
            write(channel: 0, .connectionCloseOk(.init()))
            flushThenClose(context: context)
        case .disconnect:
            if closeReason == nil { closeReason = "server dropped it (protocol error, timeout or shutdown before open)" }
            stopReading()
            flushThenClose(context: context)
        case .refuseLogin(let close):
            stopReading()
            timers.cancelAll()
            closeReason = "login refused"
            logger.info("login refused", metadata: ["peer": "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")"])
            let delay = machine.configuration.failedLoginDelay
            context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
                if let close { write(channel: 0, .connectionClose(close)) }
                flushThenClose(context: context)
            }
        case .channelOpened(let channel):
            if let broker, let admitted {
                // The user's max-channels, across their connections (530, RabbitMQ's text).
                if let refusal = broker.admitChannel(user: admitted.user) {
                    run(machine.fail(ProtocolError(.notAllowed, refusal)), context: context)
                    return
                }
                countedChannels.insert(channel)
            }
            session?.channelOpened(channel)
            updateClientChannel(channel) { _ in }
            write(channel: channel, .channelOpenOk(.init()))
        case .channel(let channel, let event):
            runChannelEvent(event, channel: channel, context: context)
        }
    }

    private func runChannelEvent(_ event: ChannelEvent, channel: UInt16, context: ChannelHandlerContext) {
        switch event {
        case .none:
            break
        case .closeConfirmed:
            releaseCountedChannel(channel)
        case .reply(let method):
            write(channel: channel, method)
        case .closedByClient:
            releaseCountedChannel(channel)
            session?.channelClosed(channel)
            run(machine.channelReleased(channel), context: context)
        case .brokerMethod(let method):
            guard let session else {
                // A front door without a broker says so rather than drop the method.
                run(machine.fail(ProtocolError(.notImplemented, "\(method.name) needs the broker core, not in this build",
                                               method: method)), context: context)
                return
            }
            session.handle(method, channel: channel)
        case .publish(let content):
            guard let session else {
                run(machine.fail(ProtocolError(.notImplemented, "basic.publish needs the broker core, not in this build",
                                               classID: 60, methodID: 40)), context: context)
                return
            }
            session.publish(content, channel: channel)
        }
    }

    /// A channel the user's `max-channels` counted has closed.
    private func releaseCountedChannel(_ channel: UInt16) {
        removeClientChannel(channel)
        guard countedChannels.remove(channel) != nil, let admitted else { return }
        broker?.channelsEnded(user: admitted.user, count: 1)
    }

    private func flushThenClose(context: ChannelHandlerContext) {
        timers.cancelAll()
        flush(context: context)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0)))
            .whenComplete { _ in channel.close(promise: nil) }
    }
}
