// Message.swift: a published message as the broker keeps it.
import NIOCore

/// A message: where it was published, its content properties exactly as the publisher
/// encoded them (so a redelivery reproduces them byte for byte) and its body.
///
/// A value with its four reference-counted fields (two strings, two buffers) in one shared
/// immutable box, replaced on write: a message is copied many times between the socket and the consumer
/// (command, batch, record, read-ahead window, delivery), and a copy now retains one object
/// where it retained each field. The plain fields stay inline, so stamping the acceptance
/// time or clearing the priority copies nothing.
public struct Message: Sendable, Equatable {
    /// Immutable: a setter makes a new box. `let` fields are what lets a reader borrow a field
    /// in place (`writer.field(message.body)`) instead of retaining it for the call, and the
    /// setters are off the hot path (dead-lettering, BCC removal, tests). Visible to inlined
    /// code (the getters and the initializer are inlinable, so a front door reading a message's
    /// body borrows it instead of calling a getter that retains it).
    @usableFromInline
    final class Shared: Sendable {
        @usableFromInline let exchange: String
        @usableFromInline let routingKey: String
        @usableFromInline let properties: ByteBuffer
        @usableFromInline let body: ByteBuffer

        @inlinable
        init(exchange: String, routingKey: String, properties: ByteBuffer, body: ByteBuffer) {
            self.exchange = exchange
            self.routingKey = routingKey
            self.properties = properties
            self.body = body
        }

        /// A box with the given fields replaced and the others kept.
        func replacing(exchange: String? = nil, routingKey: String? = nil, properties: ByteBuffer? = nil,
                       body: ByteBuffer? = nil) -> Shared {
            Shared(exchange: exchange ?? self.exchange, routingKey: routingKey ?? self.routingKey,
                   properties: properties ?? self.properties, body: body ?? self.body)
        }
    }

    @usableFromInline var shared: Shared

    public var exchange: String {
        @inlinable get { shared.exchange }
        set { shared = shared.replacing(exchange: newValue) }
    }
    public var routingKey: String {
        @inlinable get { shared.routingKey }
        set { shared = shared.replacing(routingKey: newValue) }
    }
    /// Encoded content-header properties (flags and list), verbatim. Opaque to the broker.
    public var properties: ByteBuffer {
        @inlinable get { shared.properties }
        set { shared = shared.replacing(properties: newValue) }
    }
    public var body: ByteBuffer {
        @inlinable get { shared.body }
        set { shared = shared.replacing(body: newValue) }
    }
    /// delivery-mode 2: must survive a restart in a durable queue.
    public var persistent: Bool
    /// Milliseconds since the Unix epoch when the broker accepted it.
    public var timestamp: Int64
    /// The per-message time to live in milliseconds (AMQP's `expiration`), if it has one.
    public var expiration: Int64?
    /// The message priority (AMQP's `priority`), for queues with `x-max-priority`.
    public var priority: UInt8?

    @inlinable
    public init(exchange: String, routingKey: String, properties: ByteBuffer, body: ByteBuffer,
                persistent: Bool, timestamp: Int64, expiration: Int64? = nil, priority: UInt8? = nil) {
        self.shared = Shared(exchange: exchange, routingKey: routingKey, properties: properties, body: body)
        self.persistent = persistent
        self.timestamp = timestamp
        self.expiration = expiration
        self.priority = priority
    }

    public static func == (lhs: Message, rhs: Message) -> Bool {
        (lhs.shared === rhs.shared
            || (lhs.exchange == rhs.exchange && lhs.routingKey == rhs.routingKey && lhs.properties == rhs.properties
                && lhs.body == rhs.body))
            && lhs.persistent == rhs.persistent && lhs.timestamp == rhs.timestamp
            && lhs.expiration == rhs.expiration && lhs.priority == rhs.priority
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
