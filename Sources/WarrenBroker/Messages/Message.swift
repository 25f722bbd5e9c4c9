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
    /// setters are off the hot path (dead-lettering, BCC removal, tests).
    ///
    /// Open so that a front door can make the message it assembles its own box: AMQP's
    /// `AssembledContent` is one, so a published message takes one allocation, not two, and
    /// its names and buffers are not retained again into a second box. A subclass must stay
    /// immutable: the box is shared between threads (hence `@unchecked Sendable`).
    open class Shared: @unchecked Sendable {
        public let exchange: String
        public let routingKey: String
        /// The encoded content-header properties, verbatim.
        public let properties: ByteBuffer
        public let body: ByteBuffer

        @inlinable
        public init(exchange: String, routingKey: String, properties: ByteBuffer, body: ByteBuffer) {
            self.exchange = exchange
            self.routingKey = routingKey
            self.properties = properties
            self.body = body
        }

        /// A box with the given fields replaced and the others kept.
        final func replacing(exchange: String? = nil, routingKey: String? = nil, properties: ByteBuffer? = nil,
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

    /// A message whose names, properties and body are `shared`'s (a front door's own box).
    @inlinable
    public init(shared: Shared, persistent: Bool, timestamp: Int64, expiration: Int64? = nil, priority: UInt8? = nil) {
        self.shared = shared
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
