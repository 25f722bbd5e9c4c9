// Broker+DirectReply.swift: RabbitMQ's direct reply-to (`amq.rabbitmq.reply-to`).
//
// A requester consumes (no-ack) from the pseudo-queue `amq.rabbitmq.reply-to` and publishes
// requests with `reply_to` set to it; the front door rewrites that to
// `amq.rabbitmq.reply-to.<token>`. A reply published to the default exchange with that
// routing key goes straight to the requester's consumer: no queue, nothing stored.

/// Names of the direct reply-to pseudo-queue.
public enum DirectReplyTo {
    public static let queue = "amq.rabbitmq.reply-to"
    public static let prefix = "amq.rabbitmq.reply-to."
}

extension Broker {
    /// Registers the consumer that receives replies addressed to `token`.
    public func registerDirectReply(token: String, consumer: ConsumerID, sink: any DeliverySink) {
        _ = onLoop { state in state.directReplies[token] = (consumer, sink) }
    }

    public func unregisterDirectReply(token: String) {
        _ = onLoop { state in state.directReplies[token] = nil }
    }
}

extension BrokerState {
    /// Delivers a reply to its requester; false when the requester is gone.
    func deliverDirectReply(_ message: Message) -> Bool {
        let token = String(message.routingKey.dropFirst(DirectReplyTo.prefix.count))
        guard let (consumer, sink) = directReplies[token] else { return false }
        sink.deliver([Delivery(queue: DirectReplyTo.queue, group: "", partition: 0, offset: 0, message: message, redelivered: false,
                               consumer: consumer)])
        return true
    }
}
