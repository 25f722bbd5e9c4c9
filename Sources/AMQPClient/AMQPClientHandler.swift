// AMQPClientHandler.swift: the channel handler that runs one AMQP client connection.
//
// It sits at the end of any NIO pipeline that carries bytes (a TCP socket from
// `ClientBootstrap`, a TLS pipeline, or an `EmbeddedChannel` in tests), decodes frames,
// drives the connection handshake and routes channel frames to their `ChannelCore`.
// Every method runs on the channel's event loop.
//
// Writes: frames are appended to one outbound buffer. RPCs flush at once; publishes, acks
// and other fire-and-forget frames flush at the end of the current read batch or event-loop
// tick, so a burst of publishes becomes one socket write.
import AMQPProtocol
import NIOCore

final class AMQPClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let configuration: AMQPConnectionConfiguration
    let eventLoop: any EventLoop
    /// Completes when `open-ok` arrives.
    let handshakePromise: EventLoopPromise<Void>
    /// Completes when the socket is closed: succeeds after a clean client close.
    let closePromise: EventLoopPromise<Void>

    /// Channel 0's protocol state.
    var machine: ConnectionStateMachine
    var blockedHandler: (@Sendable (AMQPBlockedEvent) -> Void)?
    var writabilityHandler: (@Sendable (Bool) -> Void)?
    var decoder = FrameDecoder()
    var context: ChannelHandlerContext?
    var channels: [UInt16: ChannelCore] = [:]
    /// Why the connection ended; nil while it is usable or after a clean close.
    var closeError: AMQPClientError?
    var cleanClose = false
    /// True once everything pending has been failed; nothing more is read or written.
    var isShutDown = false
    var heartbeatTask: RepeatedTask?
    var deadlineTask: Scheduled<Void>?

    var tuning: AMQPTuning { machine.tuning }
    var serverProperties: FieldTable { machine.serverProperties }

    private var inbound = ByteBuffer()
    private var outbound = ByteBuffer()
    private var inRead = false
    private var flushScheduled = false
    private var nextChannelHint: UInt16 = 1

    init(configuration: AMQPConnectionConfiguration, eventLoop: any EventLoop) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.handshakePromise = eventLoop.makePromise()
        self.closePromise = eventLoop.makePromise()
        self.machine = ConnectionStateMachine(configuration: configuration)
    }

    // MARK: pipeline events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { run(machine.channelActivated()) }
    }

    func channelActive(context: ChannelHandlerContext) {
        run(machine.channelActivated())
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        machine.transportClosed()
        shutdown(closeError ?? .connectionClosed)
        if cleanClose, closeError == nil {
            closePromise.succeed()
        } else {
            closePromise.fail(closeError ?? .connectionClosed)
        }
        self.context = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        machine.transportClosed()
        shutdown(closeError ?? .connectionClosed)
        closePromise.fail(closeError ?? .connectionClosed)
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        machine.transportClosed()
        shutdown(.transportError("\(error)"))
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        machine.bytesReceived()
        guard !isShutDown else { return }
        if inbound.readableBytes == 0 {
            inbound = bytes
        } else {
            inbound.writeBuffer(&bytes)
        }
        inRead = true
        defer { inRead = false }
        do {
            while !isShutDown, let frame = try decoder.decodeFrame(from: &inbound) {
                try frameReceived(frame)
            }
        } catch let error as AMQPDecodingError {
            run(machine.protocolViolation(.protocolError(error.description), replyCode: error.replyCode))
        } catch let error as AMQPClientError {
            run(machine.protocolViolation(error))
        } catch {
            run(machine.protocolViolation(.protocolError("\(error)"), replyCode: .internalError))
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        writabilityHandler?(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushNow()
        context.fireChannelReadComplete()
    }

    // MARK: frames in

    private func frameReceived(_ frame: Frame) throws {
        if frame.channel == 0 {
            switch frame.payload {
            case .heartbeat: return
            case .method(let method): run(machine.methodReceived(method))
            case .header, .body: throw AMQPClientError.unexpectedFrame("content frame on channel 0")
            }
            return
        }
        guard machine.state == .open || machine.state == .closing else {
            throw AMQPClientError.unexpectedFrame("frame on channel \(frame.channel) before the connection opened")
        }
        // Frames for a channel this client already forgot (closed) are dropped.
        try channels[frame.channel]?.frameReceived(frame)
    }

    // MARK: frames out

    /// Appends a method frame; sent at the next flush.
    func write(channel: UInt16, method: Method) {
        outbound.writeAMQPFrame(channel: channel, method: method)
    }

    /// Appends a whole message (method, header, body split at frame_max).
    func writeContent(channel: UInt16, method: Method, header: ContentHeader, body: ByteBuffer) {
        let frameMax = tuning.frameMax == 0 ? AMQPLimits.frameSizeBytesMaxDefault : tuning.frameMax
        outbound.writeAMQPContent(channel: channel, method: method, header: header, body: body,
                                  frameSizeBytesMax: frameMax)
    }

    /// Appends a heartbeat frame.
    func writeHeartbeat() {
        outbound.writeAMQPHeartbeat()
    }

    /// Writes and flushes everything appended so far.
    func flushNow() {
        guard let context, outbound.readableBytes > 0 else { return }
        let bytes = outbound
        outbound = context.channel.allocator.buffer(capacity: 0)
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }

    /// Flushes at the end of the current read batch, or later in this event-loop tick.
    func flushSoon() {
        guard !inRead, !flushScheduled else { return }
        flushScheduled = true
        let this = NIOLoopBound(self, eventLoop: eventLoop)
        eventLoop.execute {
            this.value.flushScheduled = false
            this.value.flushNow()
        }
    }

    // MARK: channels

    /// Opens a new channel with the next free number after the last one given out.
    func openChannel() -> EventLoopFuture<ChannelCore> {
        guard machine.isOpen else {
            return eventLoop.makeFailedFuture(closeError ?? .connectionClosed)
        }
        let channelMax = tuning.channelMax == 0 ? UInt16.max : tuning.channelMax
        var id = nextChannelHint
        var tried = 0
        while channels[id] != nil {
            id = id >= channelMax ? 1 : id + 1
            tried += 1
            if tried >= Int(channelMax) {
                return eventLoop.makeFailedFuture(AMQPClientError.tooManyChannels(channelMax: channelMax))
            }
        }
        nextChannelHint = id >= channelMax ? 1 : id + 1
        let core = ChannelCore(id: id, connection: self)
        channels[id] = core
        return core.open().assumeIsolated().map { core }.nonisolated()
    }

    /// Forgets a closed channel so its number can be reused.
    func channelFinished(_ id: UInt16) {
        channels[id] = nil
    }

    // MARK: shutdown

    /// Fails everything pending with `error` and stops timers. Idempotent.
    func shutdown(_ error: AMQPClientError) {
        guard !isShutDown else { return }
        isShutDown = true
        if closeError == nil, !cleanClose { closeError = error }
        heartbeatTask?.cancel()
        heartbeatTask = nil
        deadlineTask?.cancel()
        deadlineTask = nil
        handshakePromise.fail(error)
        failChannels(error)
    }

    /// Fails every open channel's pending work and forgets the channels.
    func failChannels(_ error: AMQPClientError) {
        let open = channels.values
        channels = [:]
        for core in open { core.connectionClosed(error) }
    }
}
