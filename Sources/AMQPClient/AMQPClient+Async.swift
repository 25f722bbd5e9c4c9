// AMQPClient+Async.swift: async versions of the future-based API, and an AsyncSequence of
// deliveries.
import AMQPProtocol
import NIOCore

extension AMQPConnection {
    /// Connects over TCP and completes the AMQP handshake.
    public static func connect(to url: AMQPURL, eventLoopGroup: any EventLoopGroup,
                               configuration: AMQPConnectionConfiguration = .init()) async throws -> AMQPConnection {
        try await connect(to: url, eventLoopGroup: eventLoopGroup, configuration: configuration).get()
    }

    /// Runs the client over `channel` (see the future-returning version).
    public static func start(on channel: any NIOCore.Channel,
                             configuration: AMQPConnectionConfiguration) async throws -> AMQPConnection {
        try await start(on: channel, configuration: configuration).get()
    }

    /// Opens a channel.
    public func openChannel() async throws -> AMQPChannel {
        try await openChannel().get()
    }

    /// Closes the connection cleanly.
    public func close(replyCode: UInt16 = ReplyCode.replySuccess.rawValue, replyText: String = "Goodbye") async throws {
        try await close(replyCode: replyCode, replyText: replyText).get()
    }
}

extension AMQPChannel {
    /// Declares an exchange.
    public func exchangeDeclare(_ name: String, type: String = "direct", passive: Bool = false,
                                durable: Bool = false, autoDelete: Bool = false, internal: Bool = false,
                                arguments: FieldTable = FieldTable()) async throws {
        try await exchangeDeclare(name, type: type, passive: passive, durable: durable, autoDelete: autoDelete,
                                  internal: `internal`, arguments: arguments).get()
    }

    /// Deletes an exchange.
    public func exchangeDelete(_ name: String, ifUnused: Bool = false) async throws {
        try await exchangeDelete(name, ifUnused: ifUnused).get()
    }

    /// Binds exchange `destination` to exchange `source`.
    public func exchangeBind(destination: String, source: String, routingKey: String = "",
                             arguments: FieldTable = FieldTable()) async throws {
        try await exchangeBind(destination: destination, source: source, routingKey: routingKey,
                               arguments: arguments).get()
    }

    /// Removes an exchange-to-exchange binding.
    public func exchangeUnbind(destination: String, source: String, routingKey: String = "",
                               arguments: FieldTable = FieldTable()) async throws {
        try await exchangeUnbind(destination: destination, source: source, routingKey: routingKey,
                                 arguments: arguments).get()
    }

    /// Declares a queue.
    public func queueDeclare(_ name: String = "", passive: Bool = false, durable: Bool = false,
                             exclusive: Bool = false, autoDelete: Bool = false,
                             arguments: FieldTable = FieldTable()) async throws -> AMQPQueueDeclareResult {
        try await queueDeclare(name, passive: passive, durable: durable, exclusive: exclusive,
                               autoDelete: autoDelete, arguments: arguments).get()
    }

    /// Binds a queue to an exchange.
    public func queueBind(queue: String, exchange: String, routingKey: String = "",
                          arguments: FieldTable = FieldTable()) async throws {
        try await queueBind(queue: queue, exchange: exchange, routingKey: routingKey, arguments: arguments).get()
    }

    /// Removes a queue binding.
    public func queueUnbind(queue: String, exchange: String, routingKey: String = "",
                            arguments: FieldTable = FieldTable()) async throws {
        try await queueUnbind(queue: queue, exchange: exchange, routingKey: routingKey, arguments: arguments).get()
    }

    /// Purges a queue; returns how many messages were removed.
    @discardableResult
    public func queuePurge(_ name: String) async throws -> UInt32 {
        try await queuePurge(name).get()
    }

    /// Deletes a queue; returns how many messages it held.
    @discardableResult
    public func queueDelete(_ name: String, ifUnused: Bool = false, ifEmpty: Bool = false) async throws -> UInt32 {
        try await queueDelete(name, ifUnused: ifUnused, ifEmpty: ifEmpty).get()
    }

    /// Sets the prefetch limit.
    public func basicQos(prefetchCount: UInt16, prefetchSize: UInt32 = 0, global: Bool = false) async throws {
        try await basicQos(prefetchCount: prefetchCount, prefetchSize: prefetchSize, global: global).get()
    }

    /// Enters publisher-confirm mode.
    public func confirmSelect() async throws {
        try await confirmSelect().get()
    }

    /// Waits until every message published so far is confirmed.
    public func waitForConfirms() async throws {
        try await waitForConfirms().get()
    }

    /// Publishes on a confirm channel and waits for the server's ack; returns the delivery tag.
    @discardableResult
    public func basicPublishConfirmed(exchange: String = "", routingKey: String, body: ByteBuffer,
                                      properties: BasicProperties = BasicProperties(),
                                      mandatory: Bool = false) async throws -> UInt64 {
        try await basicPublishConfirmed(exchange: exchange, routingKey: routingKey, body: body,
                                        properties: properties, mandatory: mandatory).get()
    }

    /// Fetches one message, or nil when the queue is empty.
    public func basicGet(queue: String, noAck: Bool = false) async throws -> AMQPGetResponse? {
        try await basicGet(queue: queue, noAck: noAck).get()
    }

    /// Cancels a consumer.
    public func basicCancel(consumerTag: String) async throws {
        try await basicCancel(consumerTag: consumerTag).get()
    }

    /// Redelivers every unacknowledged message.
    public func basicRecover(requeue: Bool = true) async throws {
        try await basicRecover(requeue: requeue).get()
    }

    /// Enters transaction mode.
    public func txSelect() async throws { try await txSelect().get() }

    /// Commits the current transaction.
    public func txCommit() async throws { try await txCommit().get() }

    /// Rolls the current transaction back.
    public func txRollback() async throws { try await txRollback().get() }

    /// Asks the server to pause or resume deliveries; returns the state it confirmed.
    @discardableResult
    public func flow(active: Bool) async throws -> Bool {
        try await flow(active: active).get()
    }

    /// Starts a consumer with callbacks (see the future-returning version); returns its tag.
    @discardableResult
    public func basicConsume(queue: String, consumerTag: String = "", noAck: Bool = false, exclusive: Bool = false,
                             arguments: FieldTable = FieldTable(),
                             onEnd: (@Sendable (AMQPConsumerEnd) -> Void)? = nil,
                             onDelivery: @escaping @Sendable (AMQPDelivery) -> Void) async throws -> String {
        try await basicConsume(queue: queue, consumerTag: consumerTag, noAck: noAck, exclusive: exclusive,
                               arguments: arguments, onEnd: onEnd, onDelivery: onDelivery).get()
    }

    /// Whether the channel is open, and if not, why: nil while usable.
    public func closeReason() async throws -> AMQPClientError? {
        try await closeReason().get()
    }

    /// Closes the channel.
    public func close(replyCode: UInt16 = ReplyCode.replySuccess.rawValue, replyText: String = "Goodbye") async throws {
        try await close(replyCode: replyCode, replyText: replyText).get()
    }

    /// Starts a consumer whose deliveries arrive as an `AsyncSequence`. The sequence ends
    /// when the consumer is cancelled or this client closes the channel, and throws when the
    /// server closes the channel or the connection ends.
    /// Deliveries are buffered without bound: use `basicQos` to bound them.
    public func consume(queue: String, consumerTag: String = "", noAck: Bool = false, exclusive: Bool = false,
                        arguments: FieldTable = FieldTable()) async throws -> AMQPConsumer {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: AMQPDelivery.self)
        let tag: String = try await basicConsume(
            queue: queue, consumerTag: consumerTag, noAck: noAck, exclusive: exclusive, arguments: arguments,
            onEnd: { end in
                switch end {
                case .cancelledByClient, .cancelledByServer, .closed(.channelClosed): continuation.finish()
                case .closed(let error): continuation.finish(throwing: error)
                }
            },
            onDelivery: { delivery in continuation.yield(delivery) }
        )
        return AMQPConsumer(consumerTag: tag, deliveries: stream)
    }
}

/// A consumer's deliveries as an `AsyncSequence` (see `AMQPChannel.consume`).
public struct AMQPConsumer: AsyncSequence, Sendable {
    /// Each element is one delivery.
    public typealias Element = AMQPDelivery

    /// The consumer tag, for `basicCancel`.
    public let consumerTag: String
    let deliveries: AsyncThrowingStream<AMQPDelivery, any Error>

    /// Iterates over the deliveries.
    public func makeAsyncIterator() -> AsyncThrowingStream<AMQPDelivery, any Error>.AsyncIterator {
        deliveries.makeAsyncIterator()
    }
}
