// MessageCounters.swift: message counts of a queue or of the node, and their rates.

/// Running totals since start. Kept on the broker loop; read by the management API and
/// `/metrics`.
public struct MessageCounters: Sendable, Equatable {
    /// Messages stored in the queue (for the node: received from publishers).
    public var published: UInt64 = 0
    /// Deliveries to consumers and `basic.get`s.
    public var delivered: UInt64 = 0
    /// Deliveries handed out again.
    public var redelivered: UInt64 = 0
    /// Deliveries acknowledged.
    public var acknowledged: UInt64 = 0
    /// Node only: messages that reached at least one queue, and those that reached none.
    public var routed: UInt64 = 0
    public var unroutable: UInt64 = 0

    public init() {}
}

/// Per-second rates between the last two samples (RabbitMQ shows `*_details.rate` the same
/// way, over its sampling interval).
public struct MessageRates: Sendable, Equatable {
    public var published = 0.0
    public var delivered = 0.0
    public var redelivered = 0.0
    public var acknowledged = 0.0

    public init() {}

    init(from earlier: MessageCounters, to later: MessageCounters, seconds: Double) {
        guard seconds > 0 else { return }
        published = Double(later.published &- earlier.published) / seconds
        delivered = Double(later.delivered &- earlier.delivered) / seconds
        redelivered = Double(later.redelivered &- earlier.redelivered) / seconds
        acknowledged = Double(later.acknowledged &- earlier.acknowledged) / seconds
    }
}

/// Two samples of a counter set, for rates.
struct RateSampler {
    private(set) var last = MessageCounters()
    private var lastAt: Int64?
    private(set) var rates = MessageRates()

    /// Records `counters` as of `now` (ms) and computes the rates since the previous sample.
    mutating func sample(_ counters: MessageCounters, now: Int64) {
        if let lastAt { rates = MessageRates(from: last, to: counters, seconds: Double(now - lastAt) / 1000) }
        last = counters
        lastAt = now
    }
}

extension MessageCounters {
    mutating func add(_ other: MessageCounters) {
        published &+= other.published
        delivered &+= other.delivered
        redelivered &+= other.redelivered
        acknowledged &+= other.acknowledged
        routed &+= other.routed
        unroutable &+= other.unroutable
    }
}
