// AMQPChannel.swift: the public handle on one AMQP channel; exchange, queue, tx and
// channel-level methods. Publishing and consuming are in AMQPChannel+Basic.swift.
import AMQPProtocol
import NIOCore

/// An open AMQP channel.
///
/// Methods that wait for a reply return an `EventLoopFuture` (and have `async` versions);
/// if the server closes the channel, they fail with `AMQPClientError.channelClosedByServer`
/// carrying the reply code and text, and the channel stays closed. Fire-and-forget methods
/// (publish, ack, nack, reject) buffer their frames and flush them once per event-loop tick.
public final class AMQPChannel: Sendable {
    /// The channel number.
    public let channelID: UInt16
    /// The connection the channel belongs to.
    public let connection: AMQPConnection
    let core: NIOLoopBound<ChannelCore>

    /// Completes when the channel is closed: succeeds after `close()`, fails with the reason
    /// otherwise (e.g. `channelClosedByServer` after a publish to a missing exchange, which
    /// no pending call would report).
    public let closeFuture: EventLoopFuture<Void>

    /// The event loop that runs the channel; callbacks run on it.
    public var eventLoop: any EventLoop { connection.eventLoop }

    init(connection: AMQPConnection, core: ChannelCore) {
        self.channelID = core.id
        self.connection = connection
        self.core = NIOLoopBound(core, eventLoop: connection.eventLoop)
        self.closeFuture = core.endPromise.futureResult
    }

    /// Runs `body` with the channel state on the event loop.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable (ChannelCore) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if eventLoop.inEventLoop { return body(core.value) }
        let core = self.core
        return eventLoop.flatSubmit { body(core.value) }
    }

    /// Runs `body` on the event loop without waiting for it (immediately when on the loop).
    func perform(_ body: @escaping @Sendable (ChannelCore) -> Void) {
        if eventLoop.inEventLoop { return body(core.value) }
        let core = self.core
        eventLoop.execute { body(core.value) }
    }

    /// Sends a synchronous method and waits for its reply.
    func call(_ method: Method) -> EventLoopFuture<ChannelCore.Reply> {
        onLoop { core in core.call(method) }
    }

    /// Sends a synchronous method whose reply carries nothing the caller needs.
    func callVoid(_ method: Method) -> EventLoopFuture<Void> {
        call(method).map { _ in }
    }

    // MARK: exchanges

    /// Declares an exchange (`exchange.declare`).
    public func exchangeDeclare(_ name: String, type: String = "direct", passive: Bool = false,
                                durable: Bool = false, autoDelete: Bool = false, internal: Bool = false,
                                arguments: FieldTable = FieldTable()) -> EventLoopFuture<Void> {
        callVoid(.exchangeDeclare(.init(exchange: name, type: type, passive: passive, durable: durable,
                                        autoDelete: autoDelete, internal: `internal`, arguments: arguments)))
    }

    /// Deletes an exchange (`exchange.delete`).
    public func exchangeDelete(_ name: String, ifUnused: Bool = false) -> EventLoopFuture<Void> {
        callVoid(.exchangeDelete(.init(exchange: name, ifUnused: ifUnused)))
    }

    /// Binds exchange `destination` to exchange `source` (`exchange.bind`, a RabbitMQ extension).
    public func exchangeBind(destination: String, source: String, routingKey: String = "",
                             arguments: FieldTable = FieldTable()) -> EventLoopFuture<Void> {
        callVoid(.exchangeBind(.init(destination: destination, source: source, routingKey: routingKey,
                                     arguments: arguments)))
    }

    /// Removes an exchange-to-exchange binding (`exchange.unbind`).
    public func exchangeUnbind(destination: String, source: String, routingKey: String = "",
                               arguments: FieldTable = FieldTable()) -> EventLoopFuture<Void> {
        callVoid(.exchangeUnbind(.init(destination: destination, source: source, routingKey: routingKey,
                                       arguments: arguments)))
    }

    // MARK: queues

    /// Declares a queue (`queue.declare`); an empty name asks the server to generate one.
    public func queueDeclare(_ name: String = "", passive: Bool = false, durable: Bool = false,
                             exclusive: Bool = false, autoDelete: Bool = false,
                             arguments: FieldTable = FieldTable()) -> EventLoopFuture<AMQPQueueDeclareResult> {
        call(.queueDeclare(.init(queue: name, passive: passive, durable: durable, exclusive: exclusive,
                                 autoDelete: autoDelete, arguments: arguments))).flatMapThrowing { reply in
            guard case .queueDeclareOk(let ok) = reply.method else { throw AMQPClientError.unexpectedFrame(reply.method.name) }
            return AMQPQueueDeclareResult(queue: ok.queue, messageCount: ok.messageCount, consumerCount: ok.consumerCount)
        }
    }

    /// Binds a queue to an exchange (`queue.bind`).
    public func queueBind(queue: String, exchange: String, routingKey: String = "",
                          arguments: FieldTable = FieldTable()) -> EventLoopFuture<Void> {
        callVoid(.queueBind(.init(queue: queue, exchange: exchange, routingKey: routingKey, arguments: arguments)))
    }

    /// Removes a queue binding (`queue.unbind`).
    public func queueUnbind(queue: String, exchange: String, routingKey: String = "",
                            arguments: FieldTable = FieldTable()) -> EventLoopFuture<Void> {
        callVoid(.queueUnbind(.init(queue: queue, exchange: exchange, routingKey: routingKey, arguments: arguments)))
    }

    /// Removes every ready message from a queue; returns how many were removed.
    public func queuePurge(_ name: String) -> EventLoopFuture<UInt32> {
        call(.queuePurge(.init(queue: name))).flatMapThrowing { reply in
            guard case .queuePurgeOk(let ok) = reply.method else { throw AMQPClientError.unexpectedFrame(reply.method.name) }
            return ok.messageCount
        }
    }

    /// Deletes a queue; returns how many messages it held.
    public func queueDelete(_ name: String, ifUnused: Bool = false, ifEmpty: Bool = false) -> EventLoopFuture<UInt32> {
        call(.queueDelete(.init(queue: name, ifUnused: ifUnused, ifEmpty: ifEmpty))).flatMapThrowing { reply in
            guard case .queueDeleteOk(let ok) = reply.method else { throw AMQPClientError.unexpectedFrame(reply.method.name) }
            return ok.messageCount
        }
    }

    // MARK: transactions

    /// Puts the channel in transaction mode (`tx.select`).
    public func txSelect() -> EventLoopFuture<Void> { callVoid(.txSelect(.init())) }

    /// Commits the current transaction (`tx.commit`).
    public func txCommit() -> EventLoopFuture<Void> { callVoid(.txCommit(.init())) }

    /// Abandons the current transaction (`tx.rollback`).
    public func txRollback() -> EventLoopFuture<Void> { callVoid(.txRollback(.init())) }

    // MARK: channel

    /// Asks the server to pause (`false`) or resume (`true`) deliveries (`channel.flow`);
    /// returns the state the server confirmed. RabbitMQ refuses `active: false`.
    public func flow(active: Bool) -> EventLoopFuture<Bool> {
        call(.channelFlow(.init(active: active))).flatMapThrowing { reply in
            guard case .channelFlowOk(let ok) = reply.method else { throw AMQPClientError.unexpectedFrame(reply.method.name) }
            return ok.active
        }
    }

    /// Sets the callback for server-sent `channel.flow` (true: may publish, false: pause).
    public func setFlowListener(_ listener: @escaping @Sendable (Bool) -> Void) {
        perform { core in core.flowListener = listener }
    }

    /// Closes the channel (`channel.close`, then `close-ok`). Calls still waiting fail with
    /// `channelClosed`.
    public func close(replyCode: UInt16 = ReplyCode.replySuccess.rawValue,
                      replyText: String = "Goodbye") -> EventLoopFuture<Void> {
        onLoop { core in core.close(replyCode: replyCode, replyText: replyText) }
    }

    /// Whether the channel is open, and if not, why: nil while usable.
    public func closeReason() -> EventLoopFuture<AMQPClientError?> {
        onLoop { core in core.eventLoop.makeSucceededFuture(core.unusableError) }
    }
}
