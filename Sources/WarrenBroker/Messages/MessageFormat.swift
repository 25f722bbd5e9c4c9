// MessageFormat.swift: what the broker needs from a front door's message encoding.
import NIOCore

/// Why a message was dead-lettered, with RabbitMQ's names.
public enum DeathReason: String, Sendable, CaseIterable {
    case rejected, expired, maxlen
    case deliveryLimit = "delivery_limit"
}

/// One dead-lettering, for the front door's format to record in the copy (`x-death`).
public struct DeathEvent: Sendable, Equatable {
    public var queue: String
    public var reason: DeathReason
    /// The exchange the message had been published to.
    public var exchange: String
    /// The routing keys it had been published with (its routing key, then CC keys).
    public var routingKeys: [String]
    /// Seconds since the Unix epoch.
    public var time: Int64

    public init(queue: String, reason: DeathReason, exchange: String, routingKeys: [String], time: Int64) {
        self.queue = queue
        self.reason = reason
        self.exchange = exchange
        self.routingKeys = routingKeys
        self.time = time
    }
}

/// What dead-lettering reads from a message's properties.
public struct DeadLetterView: Sendable {
    /// The message's headers, for routing through a headers exchange.
    public var headers: ArgumentTable?
    /// CC routing keys the message was published with.
    public var ccKeys: [String]
    /// Earlier deaths, newest first: (queue, reason), for cycle detection.
    public var deaths: [(queue: String, reason: String)]

    public init(headers: ArgumentTable?, ccKeys: [String], deaths: [(queue: String, reason: String)]) {
        self.headers = headers
        self.ccKeys = ccKeys
        self.deaths = deaths
    }
}

/// The broker keeps properties opaque (a redelivery repeats them byte for byte); a front door
/// that wants dead-lettering supplies this to read and rewrite them.
public protocol MessageFormat: Sendable {
    func deadLetterView(of properties: ByteBuffer) -> DeadLetterView
    /// Properties of the dead-lettered copy: `death` recorded, the per-message TTL removed.
    func deadLettered(_ properties: ByteBuffer, _ death: DeathEvent) -> ByteBuffer
    /// The properties by RabbitMQ's management names (`content_type`, `delivery_mode`,
    /// `headers`, …), for operators reading messages.
    func describe(_ properties: ByteBuffer) -> ArgumentTable
    /// Properties from those names (the management API's publish); throws `BrokerError`
    /// naming a value it cannot take.
    func encode(_ described: ArgumentTable) throws -> ByteBuffer
}

/// For messages whose properties the broker cannot read: dead-lettered copies keep them as
/// they are.
public struct OpaqueMessageFormat: MessageFormat {
    public init() {}
    public func deadLetterView(of properties: ByteBuffer) -> DeadLetterView {
        DeadLetterView(headers: nil, ccKeys: [], deaths: [])
    }
    public func deadLettered(_ properties: ByteBuffer, _ death: DeathEvent) -> ByteBuffer { properties }
    public func describe(_ properties: ByteBuffer) -> ArgumentTable { [:] }
    public func encode(_ described: ArgumentTable) throws -> ByteBuffer {
        throw BrokerError(.notImplemented, "this broker cannot encode message properties")
    }
}
