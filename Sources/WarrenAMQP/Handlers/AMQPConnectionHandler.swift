// AMQPConnectionHandler.swift: runs what the connection state machine decides; nothing else.
import AMQPProtocol
import Logging
import NIOCore
import NIOSSL
import NIOTLS
import WarrenBroker

/// Sent through a server pipeline to close the connection for shutdown (320 CONNECTION_FORCED).
public struct ServerShutdownEvent: Sendable {
    public init() {}
}

/// The AMQP server side of one TCP connection. Decodes frames, feeds the state machine and
/// carries out its actions: writes, timers and closes happen only in `run(_:context:)`.
/// Bytes written while handling a read are flushed once, in `channelReadComplete`.
public final class AMQPConnectionHandler: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    var machine: ConnectionStateMachine
    let logger: Logger
    /// Bytes of the protocol header until all 8 have arrived.
    private var headerBytes: ByteBuffer? = ByteBuffer()
    /// Frame decoder, created once the protocol header is accepted; frame_max set by tune-ok.
    private var decoder: FrameDecoder?
    /// Received bytes not yet decoded (the start of a frame that is still arriving).
    private var pending = ByteBuffer()
    /// Set after a hard error: the rest of the byte stream is not parsed.
    private var discardingInput = false
    /// Output not yet flushed. Empty (no storage) between flushes: an idle connection holds no
    /// output buffer, whatever its last burst was.
    private var outbound = ByteBuffer()
    /// The capacity the next output buffer starts with: the last flush's size, within bounds,
    /// so a batch of deliveries does not grow the buffer by doubling and copying.
    private var outboundCapacity = 4096
    /// Bytes of output buffer the connection holds now (0 once flushed).
    package var heldOutputCapacity: Int { outbound.capacity }
    private var readingBatch = false
    /// True while a read's frames are handled: broker commands wait for its end.
    var isReading: Bool { readingBatch }
    let timers = ConnectionTimers()
    /// The broker core, or nil in a front door built without one (methods that need it are
    /// then refused with 540 NOT_IMPLEMENTED).
    let broker: Broker?
    let connectionID: ConnectionID
    /// The broker side of this connection, once it is open.
    var session: BrokerSession?
    /// The user and vhost this connection counts against in `max-connections` limits.
    var admitted: (user: String, vhost: String)?
    /// Open channels counted against the user's `max-channels`.
    var countedChannels: Set<UInt16> = []
    /// Why the connection ends, for its closing log line; nil: the peer went away.
    var closeReason: String?
    /// Whether the connection is in the broker's client registry.
    var registeredClient = false
    /// Whether the connection came over TLS (set by the listener's pipeline).
    public var isTLS = false

    public init(configuration: ConnectionConfiguration, peerIsLoopback: Bool, logger: Logger,
                broker: Broker? = nil, connectionID: ConnectionID = 0) {
        self.machine = ConnectionStateMachine(configuration: configuration, peerIsLoopback: peerIsLoopback)
        self.logger = logger
        self.broker = broker
        self.connectionID = connectionID
    }

    public func channelActive(context: ChannelHandlerContext) {
        timers.startHandshakeTimer(context: context, handler: self,
                                   seconds: machine.configuration.handshakeTimeoutSeconds)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        timers.cancelAll()
        unregisterClient()
        logger.info("connection closed", metadata: [
            "user": "\(admitted?.user ?? "-")", "vhost": "\(admitted?.vhost ?? "-")",
            "reason": "\(closeReason ?? "connection lost: the peer closed the socket")"])
        if let admitted {
            broker?.connectionEnded(user: admitted.user, vhost: admitted.vhost)
            if !countedChannels.isEmpty { broker?.channelsEnded(user: admitted.user, count: countedChannels.count) }
        }
        countedChannels = []
        admitted = nil
        session?.connectionClosed()
        session = nil
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !discardingInput else { return }
        readingBatch = true
        timers.bytesReceived()
        var bytes = unwrapInboundIn(data)
        if var pending = headerBytes {
            pending.writeBuffer(&bytes)
            let check = ProtocolHeader.check(pending)
            guard check != .needMoreBytes else { headerBytes = pending; return }
            headerBytes = nil
            run(machine.protocolHeaderReceived(check), context: context)
            guard check == .accepted else { return }
            pending.moveReaderIndex(forwardBy: ProtocolHeader.lengthBytes)
            decoder = FrameDecoder()
            bytes = pending
        }
        decodeFrames(bytes, context: context)
    }

    private func decodeFrames(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        guard bytes.readableBytes > 0, decoder != nil else { return }
        var input = bytes
        do {
            // A frame split over reads: copy in only the bytes it still lacks, then decode the
            // rest of this read where it lies (a read's frames are never copied as a whole).
            while pending.readableBytes > 0, input.readableBytes > 0, !discardingInput {
                var part = input.readSlice(length: min(FrameDecoder.bytesLacking(in: pending), input.readableBytes))!
                pending.writeBuffer(&part)
                // Read `decoder` anew for each frame: tune-ok changes frame_max mid-batch.
                if let frame = try decoder!.decodeFrame(from: &pending) {
                    run(machine.frameReceived(frame), context: context)
                }
            }
            if pending.readableBytes == 0 {
                while !discardingInput, let frame = try decoder!.decodeFrame(from: &input) {
                    run(machine.frameReceived(frame), context: context)
                }
            }
        } catch {
            run(machine.decodingFailed(error), context: context)
            discardingInput = true
        }
        if pending.readableBytes == 0 {
            // The incomplete frame at the end of this read, if any, goes into a buffer of our own.
            // A frame_max-sized one is let go rather than reused: a body still sharing it would
            // make the next write copy it whole.
            if pending.capacity > 65_536 { pending = ByteBuffer() } else { pending.clear() }
            pending.writeBuffer(&input)
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        readingBatch = false
        // One hand-over to the broker for everything this read carried.
        session?.flushOutbox()
        flush(context: context)
        context.fireChannelReadComplete()
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ServerShutdownEvent {
            run(machine.shutdown(), context: context)
            flush(context: context)
        } else if let forced = event as? ForcedCloseEvent {
            run(machine.forceClose(reason: forced.reason), context: context)
            flush(context: context)
        } else if let alarm = event as? ResourceAlarmEvent {
            session?.resourceAlarm(blocked: alarm.blocked, reason: alarm.reason)
        } else if case TLSUserEvent.handshakeCompleted = event {
            // A verified client certificate names the user EXTERNAL logs in as.
            if let certificate = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self).peerCertificate {
                machine.certificateIdentity = certificate.externalLoginName(from: machine.configuration.externalLoginFrom)
            }
            context.fireUserInboundEventTriggered(event)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// The socket drained below its low watermark: the consumers' delivery windows refill.
    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { session?.grantDeliveries() }
        context.fireChannelWritabilityChanged()
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Writes one method frame into the pending output.
    func write(channel: UInt16, _ method: Method) {
        prepareOutbound()
        outbound.writeAMQPFrame(channel: channel, method: method)
    }

    /// Gives the output its buffer at the first write after a flush.
    @inline(__always) private func prepareOutbound() {
        if outbound.capacity == 0 { outbound.reserveCapacity(outboundCapacity) }
    }

    /// Writes a message: method, content header (properties as stored) and body frames.
    func writeContent(channel: UInt16, method: Method, message: Message) {
        prepareOutbound()
        outbound.writeAMQPFrame(channel: channel, method: method)
        outbound.writeAMQPContentHeader(channel: channel, bodySize: UInt64(message.body.readableBytes),
                                        rawProperties: message.properties)
        outbound.writeAMQPBody(channel: channel, body: message.body, frameSizeBytesMax: machine.frameMax)
    }

    /// Writes a `basic.deliver` with its content, `properties` in place of the message's.
    /// The message is borrowed and its fields passed where they lie (`properties ?? …` made a
    /// copy that retained and released the buffer).
    func writeDelivery(channel: UInt16, consumerTag: String, deliveryTag: UInt64, redelivered: Bool,
                       message: borrowing Message, properties: ByteBuffer? = nil) {
        if let properties {
            writeDelivery(channel: channel, consumerTag: consumerTag, deliveryTag: deliveryTag, redelivered: redelivered,
                          message: message, rawProperties: properties)
        } else {
            writeDelivery(channel: channel, consumerTag: consumerTag, deliveryTag: deliveryTag, redelivered: redelivered,
                          message: message, rawProperties: message.properties)
        }
    }

    private func writeDelivery(channel: UInt16, consumerTag: String, deliveryTag: UInt64, redelivered: Bool,
                               message: borrowing Message, rawProperties: ByteBuffer) {
        prepareOutbound()
        outbound.writeAMQPDelivery(channel: channel, consumerTag: consumerTag, deliveryTag: deliveryTag,
                                   redelivered: redelivered, exchange: message.exchange, routingKey: message.routingKey,
                                   rawProperties: rawProperties, body: message.body, frameSizeBytesMax: machine.frameMax)
    }

    /// Makes room for `bytes` more output in one allocation. A batch of deliveries written into
    /// a buffer that grows as it goes doubles it and copies what was already written, again
    /// and again (2.5% of the broker's time in `a1k` under `perf`, in `realloc`'s copies).
    /// A buffer made here after a flush starts no smaller than `prepareOutbound`'s would.
    func reserveOutput(_ bytes: Int) {
        guard outbound.writableBytes < bytes else { return }
        outbound.reserveCapacity(minimumWritableBytes: Swift.max(bytes, outboundCapacity - outbound.writerIndex))
    }

    /// Sends pending output unless a read batch is in progress (its end flushes).
    func flushIfIdle(context: ChannelHandlerContext) {
        if !readingBatch { flush(context: context) }
    }

    func flush(context: ChannelHandlerContext) {
        guard outbound.readableBytes > 0 else { return }
        let bytes = outbound
        outboundCapacity = min(max(4096, bytes.readableBytes), 256 << 10)
        outbound = Self.noOutput
        timers.bytesSent()
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }

    /// A buffer without storage of its own (capacity 0), shared by every idle connection.
    private static let noOutput = ByteBuffer()

    func decoderFrameMax(_ frameMax: UInt32) {
        decoder?.frameSizeBytesMax = frameMax
    }

    func stopReading() {
        discardingInput = true
    }
}

@available(*, unavailable)
extension AMQPConnectionHandler: Sendable {}
