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

    /// Connection states, in handshake order.
    enum State: Equatable {
        case initial, awaitingStart, awaitingTune, awaitingOpenOk, open, closing, closed
    }

    let configuration: AMQPConnectionConfiguration
    let eventLoop: any EventLoop
    /// Completes when `open-ok` arrives.
    let handshakePromise: EventLoopPromise<Void>
    /// Completes when the socket is closed: succeeds after a clean client close.
    let closePromise: EventLoopPromise<Void>

    var state: State = .initial
    var tuning = AMQPTuning(channelMax: 0, frameMax: AMQPLimits.frameSizeBytesMin, heartbeatSeconds: 0)
    var serverProperties = FieldTable()
    var blockedHandler: (@Sendable (AMQPBlockedEvent) -> Void)?
    var decoder = FrameDecoder()
    var context: ChannelHandlerContext?
    var channels: [UInt16: ChannelCore] = [:]
    /// Why the connection ended; nil while it is usable or after a clean close.
    var closeError: AMQPClientError?
    var cleanClose = false
    var heartbeatTask: RepeatedTask?
    var deadlineTask: Scheduled<Void>?
    var receivedSinceTick = false
    var silentTicks = 0

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
    }

    // MARK: pipeline events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
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
        shutdown(closeError ?? .connectionClosed)
        closePromise.fail(closeError ?? .connectionClosed)
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        shutdown(.transportError("\(error)"))
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        receivedSinceTick = true
        guard state != .closed else { return }
        if inbound.readableBytes == 0 {
            inbound = bytes
        } else {
            inbound.writeBuffer(&bytes)
        }
        inRead = true
        defer { inRead = false }
        do {
            while state != .closed, let frame = try decoder.decodeFrame(from: &inbound) {
                try frameReceived(frame)
            }
        } catch let error as AMQPDecodingError {
            failConnection(replyCode: error.replyCode.rawValue, text: error.description,
                           error: .protocolError(error.description))
        } catch let error as AMQPClientError {
            failConnection(replyCode: ReplyCode.unexpectedFrame.rawValue, text: "\(error)", error: error)
        } catch {
            failConnection(replyCode: ReplyCode.internalError.rawValue, text: "\(error)",
                           error: .protocolError("\(error)"))
        }
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
            case .method(let method): try connectionMethodReceived(method)
            case .header, .body: throw AMQPClientError.unexpectedFrame("content frame on channel 0")
            }
            return
        }
        guard state == .open || state == .closing else {
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
        guard state == .open else {
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

    /// Ends the connection because of a protocol error: tells the server why, then closes.
    func failConnection(replyCode: UInt16, text: String, error: AMQPClientError) {
        guard state != .closed else { return }
        write(channel: 0, method: .connectionClose(.init(replyCode: replyCode, replyText: text)))
        flushNow()
        shutdown(error)
        context?.close(promise: nil)
    }

    /// Fails everything pending with `error` and stops timers. Idempotent.
    func shutdown(_ error: AMQPClientError) {
        guard state != .closed else { return }
        if closeError == nil, !cleanClose { closeError = error }
        state = .closed
        heartbeatTask?.cancel()
        heartbeatTask = nil
        deadlineTask?.cancel()
        deadlineTask = nil
        handshakePromise.fail(error)
        let open = channels.values
        channels = [:]
        for core in open { core.connectionClosed(error) }
    }
}
