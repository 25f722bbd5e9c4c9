// AMQPConnection.swift: the public handle on one client connection.
import AMQPProtocol
import NIOCore
import NIOPosix

/// An open AMQP 0-9-1 connection.
///
/// Create one with `connect(to:eventLoopGroup:configuration:)` (TCP), or run the client over
/// any byte-carrying NIO channel with `start(on:configuration:)` (for example an
/// `EmbeddedChannel` wired to a server pipeline in tests). Every method may be called from
/// any thread; the work runs on the connection's event loop, and calls made on that loop
/// run at once.
public final class AMQPConnection: Sendable {
    /// The NIO channel carrying the connection.
    public let channel: any NIOCore.Channel
    /// The properties the server sent in `connection.start`.
    public let serverProperties: FieldTable
    /// The negotiated channel_max, frame_max and heartbeat.
    public let tuning: AMQPTuning
    let handler: NIOLoopBound<AMQPClientHandler>

    /// The connection's event loop; callbacks (deliveries, confirms, returns) run on it.
    public var eventLoop: any EventLoop { channel.eventLoop }

    /// Completes when the connection is closed: succeeds after `close()` finished cleanly,
    /// fails with the reason otherwise (e.g. `connectionClosedByServer`, `timeout`).
    public let closeFuture: EventLoopFuture<Void>

    private init(channel: any NIOCore.Channel, handler: AMQPClientHandler) {
        self.channel = channel
        self.serverProperties = handler.serverProperties
        self.tuning = handler.tuning
        self.closeFuture = handler.closePromise.futureResult
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
    }

    /// Connects over TCP and completes the AMQP handshake. The URL gives the host, port,
    /// credentials and virtual host; `configuration` gives everything else.
    public static func connect(to url: AMQPURL, eventLoopGroup: any EventLoopGroup,
                               configuration: AMQPConnectionConfiguration = .init()) -> EventLoopFuture<AMQPConnection> {
        var configuration = configuration
        configuration.username = url.username
        configuration.password = url.password
        configuration.virtualHost = url.virtualHost
        return ClientBootstrap(group: eventLoopGroup)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(configuration.connectTimeout)
            .connect(host: url.host, port: url.port)
            .flatMap { [configuration] channel in
                start(on: channel, configuration: configuration).flatMapErrorThrowing { error in
                    channel.close(promise: nil)
                    throw error
                }
            }
    }

    /// Runs the client at the end of `channel`'s pipeline and completes the AMQP handshake.
    /// If the channel is already active, the protocol header is sent at once; otherwise it
    /// is sent when the channel becomes active.
    public static func start(on channel: any NIOCore.Channel,
                             configuration: AMQPConnectionConfiguration) -> EventLoopFuture<AMQPConnection> {
        let eventLoop = channel.eventLoop
        if eventLoop.inEventLoop { return startOnLoop(channel: channel, configuration: configuration) }
        return eventLoop.flatSubmit { startOnLoop(channel: channel, configuration: configuration) }
    }

    private static func startOnLoop(channel: any NIOCore.Channel,
                                    configuration: AMQPConnectionConfiguration) -> EventLoopFuture<AMQPConnection> {
        let handler = AMQPClientHandler(configuration: configuration, eventLoop: channel.eventLoop)
        do {
            try channel.pipeline.syncOperations.addHandler(handler)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let bound = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        return handler.handshakePromise.futureResult.map {
            AMQPConnection(channel: channel, handler: bound.value)
        }
    }

    /// Runs `body` with the handler on the event loop.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable (AMQPClientHandler) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if eventLoop.inEventLoop { return body(handler.value) }
        let handler = self.handler
        return eventLoop.flatSubmit { body(handler.value) }
    }

    /// Opens a channel. Numbers are handed out in rotation (the next free one after the
    /// last one given, wrapping at channel_max), so a closed channel's number is not reused
    /// at once and a late frame for it cannot reach a new channel.
    public func openChannel() -> EventLoopFuture<AMQPChannel> {
        onLoop { handler in
            handler.openChannel().map { core in AMQPChannel(connection: self, core: core) }
        }
    }

    /// Closes the connection: sends `connection.close`, waits for `close-ok`, closes the
    /// socket. Pending calls fail with `connectionClosed`.
    public func close(replyCode: UInt16 = ReplyCode.replySuccess.rawValue,
                      replyText: String = "Goodbye") -> EventLoopFuture<Void> {
        onLoop { handler in handler.close(replyCode: replyCode, replyText: replyText) }
    }

    /// Sets the callback for `connection.blocked` / `unblocked`; it runs on the event loop.
    public func setBlockedHandler(_ callback: @escaping @Sendable (AMQPBlockedEvent) -> Void) {
        _ = onLoop { handler in
            handler.blockedHandler = callback
            return handler.eventLoop.makeSucceededVoidFuture()
        }
    }

    /// False while the socket's send buffer is above its high-water mark: a publisher
    /// should pause until the writability callback reports true again.
    public var isWritable: Bool { channel.isWritable }

    /// Sets the callback for changes of `isWritable`; it runs on the event loop.
    public func setWritabilityHandler(_ callback: @escaping @Sendable (Bool) -> Void) {
        _ = onLoop { handler in
            handler.writabilityHandler = callback
            return handler.eventLoop.makeSucceededVoidFuture()
        }
    }

    /// Writes and flushes every frame buffered so far (publishes and acks are otherwise
    /// flushed at the end of the current event-loop tick).
    public func flush() {
        _ = onLoop { handler in
            handler.flushNow()
            return handler.eventLoop.makeSucceededVoidFuture()
        }
    }
}
