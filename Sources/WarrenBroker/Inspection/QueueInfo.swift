// QueueInfo.swift: what the broker tells operators about a queue and its consumer groups.

/// A queue as the management API lists it.
public struct QueueInfo: Sendable {
    public var vhost: String
    public var definition: QueueDefinition
    /// `classic`, `quorum` or `stream`.
    public var type: String
    public var policy: String?
    /// Ready for the default group (a stream: what its log holds).
    public var messagesReady: UInt64
    /// Delivered to the default group and not acknowledged.
    public var messagesUnacknowledged: UInt64
    public var consumers: Int
    public var counters: MessageCounters
    public var rates: MessageRates
    public var segmentCount: Int
    public var logBytes: Int64
    public var groups: [GroupInfo]
}

/// A consumer group of a queue: its members and how far behind the log it is.
public struct GroupInfo: Sendable {
    public struct Partition: Sendable {
        public var index: Int
        /// Offsets below it are settled.
        public var ackFloor: UInt64
        /// The next offset the group reads.
        public var cursor: UInt64
        public var logStart: UInt64
        public var logEnd: UInt64
        /// Messages the group has not settled yet: `logEnd - ackFloor` minus those settled above it.
        public var lag: UInt64
        public var unacknowledged: Int
    }

    public var name: String
    public var consumers: Int
    public var partitions: [Partition]
    public var lag: UInt64 { partitions.reduce(0) { $0 + $1.lag } }
}

/// A consumer as the management API lists it.
public struct ConsumerInfo: Sendable {
    public var vhost: String
    public var queue: String
    public var consumer: ConsumerID
    public var group: String
    public var noAck: Bool
    public var exclusive: Bool
    public var prefetch: Int
    public var priority: Int
    /// What the front door says of it (tag, channel, connection).
    public var label: ConsumerLabel?
}

/// A front door's names for a consumer.
public struct ConsumerLabel: Sendable {
    public var tag: String
    public var channel: UInt16
    public var connection: ConnectionID

    public init(tag: String, channel: UInt16, connection: ConnectionID) {
        self.tag = tag
        self.channel = channel
        self.connection = connection
    }
}

/// The node's totals.
public struct NodeInfo: Sendable {
    public var counters: MessageCounters
    public var rates: MessageRates
    public var queues: Int
    public var exchanges: Int
    public var consumers: Int
    public var messagesReady: UInt64
    public var messagesUnacknowledged: UInt64
}
