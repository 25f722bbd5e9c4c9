// BrokerLimits.swift: the broker core's limits, each with its reason.

public enum BrokerLimits {
    /// What a consumer's front door may hold before it grants more, in units of
    /// `deliveryCost`. The front door grants a batch back once it has written it and its socket
    /// is writable again, so a client that stops reading costs at most this much memory, as TCP
    /// back-pressure bounds RabbitMQ's: 4,096 messages of up to 4 KiB, or about 16 MiB of larger
    /// ones. A grant waits behind the publishes queued for the broker loop before it; with a
    /// window of 1,024 a no-ack consumer of 16-byte messages went without deliveries while
    /// they passed, fell tens of thousands behind and was served from the log instead of from
    /// memory (docs/benchmarks.md, the fourth stop of 2026-12-01).
    public static let consumerWindow = 4_096

    /// A delivery's share of `consumerWindow`: one, plus one per whole 4 KiB of body.
    @inline(__always)
    public static func deliveryCost(bodyBytes: Int) -> Int { 1 + bodyBytes >> 12 }
}
