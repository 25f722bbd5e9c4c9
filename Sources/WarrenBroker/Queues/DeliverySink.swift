// DeliverySink.swift: where a queue sends a consumer's deliveries.

/// Receives a consumer's deliveries. The queue calls it on the queue's event loop, with every
/// delivery of one dispatch round in one batch; implementations hop to their own loop.
public protocol DeliverySink: AnyObject, Sendable {
    func deliver(_ deliveries: [Delivery])
    /// The queue ended the consumer (queue deleted): RabbitMQ sends `basic.cancel`.
    func cancelled(consumer: ConsumerID)
    /// The front door's names for the consumer, for operators.
    var label: ConsumerLabel? { get }
}

extension DeliverySink {
    public var label: ConsumerLabel? { nil }
}
