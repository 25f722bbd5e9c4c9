// Message.swift: a published message as the broker keeps it.
import NIOCore

/// A message: where it was published, its content properties exactly as the publisher
/// encoded them (so a redelivery reproduces them byte for byte) and its body.
public struct Message: Sendable, Equatable {
    public var exchange: String
    public var routingKey: String
    /// Encoded content-header properties (flags and list), verbatim. Opaque to the broker.
    public var properties: ByteBuffer
    public var body: ByteBuffer
    /// delivery-mode 2: must survive a restart in a durable queue.
    public var persistent: Bool
    /// Milliseconds since the Unix epoch when the broker accepted it.
    public var timestamp: Int64
    /// The per-message time to live in milliseconds (AMQP's `expiration`), if it has one.
    public var expiration: Int64?
    /// The message priority (AMQP's `priority`), for queues with `x-max-priority`.
    public var priority: UInt8?

    public init(exchange: String, routingKey: String, properties: ByteBuffer, body: ByteBuffer,
                persistent: Bool, timestamp: Int64, expiration: Int64? = nil, priority: UInt8? = nil) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.properties = properties
        self.body = body
        self.persistent = persistent
        self.timestamp = timestamp
        self.expiration = expiration
        self.priority = priority
    }
}

/// A message handed to a consumer or to `basic.get`.
public struct Delivery: Sendable {
    public var queue: String
    /// The consumer group the delivery belongs to; settling it names the group again.
    public var group: String
    /// The queue partition the message is in, and its offset there.
    public var partition: Int
    public var offset: UInt64
    public var message: Message
    public var redelivered: Bool
    public var consumer: ConsumerID?
    /// Deliveries of this message before this one, when the queue reports it (quorum queues
    /// add RabbitMQ's `x-delivery-count` header); nil otherwise.
    public var previousDeliveries: UInt32? = nil
    /// How long the consumer may hold it unacknowledged (ms; `x-consumer-timeout` or the
    /// broker's default), and whether it then returns to the queue instead of the channel
    /// closing.
    public var ackTimeout: Int64? = nil
    public var ackTimeoutRequeues = false
}

extension Delivery {
    /// What settling this delivery names.
    public var reference: DeliveryReference {
        DeliveryReference(queue: queue, group: group, partition: partition, offset: offset)
    }
}
