// Broker+Messages.swift: publish, consume, get and settle.
import NIOCore

/// What happened to a published message.
public struct PublishOutcome: Sendable {
    /// Queues the message was stored in.
    public var queueCount: Int
    /// Completes when the message is durable wherever it must be (persistent messages in
    /// durable queues: after the fsync that covers them); fails when storage failed.
    public var stored: EventLoopFuture<Void>
}

extension Broker {
    /// Routes and stores one message. `routingKeys` is the routing key followed by CC and
    /// BCC keys. Front doors with many messages use `perform`, which batches.
    public func publish(vhost: String, _ message: Message, routingKeys: [String],
                        headers: ArgumentTable?) -> EventLoopFuture<PublishOutcome> {
        onLoop { state in
            let promise = state.loop.makePromise(of: Void.self)
            let waiter = StorePromise(promise)
            var touched = DispatchSet()
            let outcome = try state.publish(vhost: vhost, message, routingKeys: routingKeys, headers: headers,
                                            waiter: .promise(waiter), touched: &touched)
            state.dispatch(touched)
            waiter.expect(outcome)
            return PublishOutcome(queueCount: outcome.queueCount, stored: promise.futureResult)
        }
    }

    /// Starts a consumer; deliveries go to `sink` in batches. `group` names a consumer group
    /// to join (created at `start` when new); nil joins the queue's default group (or, on a
    /// stream, reads on its own from `start`). The first deliveries are handed out after the
    /// returned future completes, so a front door can confirm the consumer first.
    /// `priority` is the consumer's `x-priority`; `channelPrefetch` the channel-wide limit of
    /// `basic.qos` with global=true, shared by the channel's consumers.
    public func consume(vhost: String, queue: String, consumer: ConsumerID, group: String? = nil,
                        start: StreamOffset? = nil, noAck: Bool, exclusive: Bool, prefetch: Int,
                        priority: Int = 0, channelPrefetch: ChannelPrefetch? = nil,
                        sink: any DeliverySink, connection: ConnectionID) -> EventLoopFuture<Void> {
        let loop = self.loop
        return onLoopRecording { state in
            let runtime = try state.queue(vhost, queue, connection: connection)
            if runtime.isStream {
                let name = "queue '\(queue)' in vhost '\(vhost)'"
                if noAck { throw BrokerError(.notImplemented, "automatic acknowledgement not supported by stream queues \(name)") }
                if prefetch == 0 && (channelPrefetch?.limit ?? 0) == 0 {
                    throw BrokerError(.preconditionFailed, "consumer prefetch count is not set for '\(name)'")
                }
            }
            let isNew = group.map { runtime.groups[$0] == nil } ?? false
            if runtime.hasExclusiveConsumer || (exclusive && runtime.consumerCount > 0) {
                throw BrokerError(.accessRefused, "queue '\(queue)' in vhost '\(vhost)' in exclusive use")
            }
            try runtime.addConsumer(.init(id: consumer, sink: sink, noAck: noAck, prefetch: prefetch, exclusive: exclusive,
                                          priority: priority, channelPrefetch: channelPrefetch),
                                    groupName: group, start: start)
            if let group, isNew, runtime.definition.durable, runtime.definition.exclusiveOwner == nil {
                state.record([.putGroup(vhost: vhost, queue: queue, group: group)])
            }
            return NIOLoopBound(runtime, eventLoop: loop)
        }.map { bound in
            // Runs after the caller's callbacks on this future were scheduled: its consume-ok
            // goes out before the first delivery.
            loop.execute { try? bound.value.dispatch() }
        }
    }

    /// Ends a consumer; its unacknowledged deliveries return to the queue.
    public func cancel(vhost: String, queue: String, consumer: ConsumerID) -> EventLoopFuture<Void> {
        onLoopRecording { state in try state.cancel(vhost: vhost, queue: queue, consumer: consumer) }
    }

    /// `basic.get`: the next message and the number left, or nil when the queue is empty.
    public func get(vhost: String, queue: String, noAck: Bool, consumer: ConsumerID,
                    connection: ConnectionID) -> EventLoopFuture<(Delivery, UInt64)?> {
        onLoop { state in
            let runtime = try state.queue(vhost, queue, connection: connection)
            if runtime.isStream {
                throw BrokerError(.notImplemented, "basic.get not supported by stream queues queue '\(queue)' in vhost '\(vhost)'")
            }
            runtime.markUsed()
            guard let delivery = try runtime.get(noAck: noAck, consumer: consumer) else { return nil }
            return (delivery, runtime.messageCount)
        }
    }

    /// Settles deliveries (ack, requeue or reject), then hands out what they freed.
    public func settle(vhost: String, _ references: [DeliveryReference], _ settlement: Settlement) {
        _ = onLoop { state in
            var touched = DispatchSet()
            state.settle(vhost: vhost, references, settlement, touched: &touched)
            state.dispatch(touched)
        }
    }

    /// Sets a channel-wide prefetch limit (`basic.qos` with global=true; 0: none) and hands
    /// out what a raised limit allows.
    public func setChannelPrefetch(_ channelPrefetch: ChannelPrefetch, vhost: String, limit: Int) -> EventLoopFuture<Void> {
        onLoop { state in
            channelPrefetch.limit = limit
            for name in channelPrefetch.queues { try state.queues[vhost]?[name]?.dispatch() }
        }
    }

    /// The front door wrote deliveries of `consumer` costing `count` and can take more: they
    /// return to its window (`BrokerLimits.consumerWindow`, `deliveryCost`) and dispatch goes on.
    public func grantDeliveries(vhost: String, queue: String, consumer: ConsumerID, count: Int) {
        _ = onLoop { state in
            var touched = DispatchSet()
            state.grant(vhost: vhost, queue: queue, consumer: consumer, count: count, touched: &touched)
            state.dispatch(touched)
        }
    }
}
