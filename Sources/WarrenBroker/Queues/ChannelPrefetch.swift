// ChannelPrefetch.swift: a prefetch limit shared by the consumers of one channel.

/// The limit `basic.qos` sets with `global=true`, as RabbitMQ reads the flag: every consumer
/// of the channel together holds at most `limit` unacknowledged deliveries (0: no limit),
/// whatever queues they read. A front door makes one per channel and passes it to
/// `Broker.consume`; the broker reads and writes its counters on its own loop only.
public final class ChannelPrefetch: @unchecked Sendable {
    var limit = 0
    var unacked = 0
    /// Queues its consumers read: when credit frees up, these are dispatched again.
    var queues: Set<String> = []

    public init() {}

    var hasCredit: Bool { limit == 0 || unacked < limit }
}
