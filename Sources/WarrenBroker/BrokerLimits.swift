// BrokerLimits.swift: the broker core's limits, each with its reason.

public enum BrokerLimits {
    /// Deliveries a consumer's front door may hold before it grants more. The front door grants
    /// a batch back once it has written it and its socket is writable again, so a client that
    /// stops reading costs at most this many messages of memory (times their size), as TCP
    /// back-pressure bounds RabbitMQ's. 1,024 keeps a fast consumer busy between grants.
    public static let consumerWindowDeliveries = 1_024
}
