// ChannelSession.swift: what one AMQP channel remembers between broker calls.
import DequeModule
import NIOCore
import WarrenBroker

/// Per-channel state of the broker session: delivery tags, consumers, prefetch, confirms.
/// A class, owned by the session's `channels` table: the session changes it through the
/// reference on every publish and delivery, with no copy in and out of the table.
final class ChannelSession {
    struct Consumer {
        var queue: String
        var id: ConsumerID
        var noAck: Bool
        /// Deliveries that arrived before `basic.consume-ok` went out; nil once it has, so
        /// a client always hears of its consumer before the consumer's first message.
        var waitingForConsumeOk: [Delivery]? = []
    }

    struct Unacked {
        var tag: UInt64
        var reference: DeliveryReference
        /// When the consumer timeout runs out for it, and what happens then.
        var deadline: NIODeadline? = nil
        var timeout: Int64 = 0
        var requeueOnTimeout = false
    }

    /// Tells this opening of the channel number from earlier ones: outcomes of publishes made
    /// before a close and reopen must not confirm the new channel's messages.
    let generation: UInt64
    var nextDeliveryTag: UInt64 = 1
    /// Deliveries awaiting ack, in tag order.
    var unacked: Deque<Unacked> = []
    /// Consumers by consumer tag.
    var consumers: [String: Consumer] = [:]
    /// `basic.qos` prefetch count for consumers started afterwards (0: unlimited).
    var prefetchCount = 0
    /// The channel-wide limit (`basic.qos` with global=true), shared by all its consumers.
    let channelPrefetch = ChannelPrefetch()
    var confirmMode = false
    var nextPublishSequence: UInt64 = 1
    /// Outstanding publisher confirms, coalesced when they go out.
    var confirms = ConfirmTracker()
    /// Token of this channel's direct reply-to consumer, if it has one.
    var directReplyToken: String?
    /// Set by `tx.select`: publishes and settlements wait here for `tx.commit`.
    var transaction: Transaction?

    init(generation: UInt64) {
        self.generation = generation
    }

    struct Transaction {
        var publishes: [AssembledContent] = []
        var settlements: [(references: [DeliveryReference], settlement: Settlement, unacked: [Unacked])] = []
    }

    func takeDeliveryTag() -> UInt64 {
        defer { nextDeliveryTag += 1 }
        return nextDeliveryTag
    }

    /// Removes and returns the deliveries `basic.ack`/`nack` name: the one with `tag`, or with
    /// `multiple` every one up to it (tag 0 with multiple: all). Nil when `tag` is unknown.
    func takeUnacked(tag: UInt64, multiple: Bool) -> [Unacked]? {
        if multiple {
            if tag == 0 {
                defer { unacked.removeAll() }
                return Array(unacked)
            }
            guard unacked.contains(where: { $0.tag == tag }) else { return nil }
            var taken: [Unacked] = []
            while let first = unacked.first, first.tag <= tag {
                taken.append(unacked.removeFirst())
            }
            return taken
        }
        guard let index = unacked.firstIndex(where: { $0.tag == tag }) else { return nil }
        return [unacked.remove(at: index)]
    }
}

extension ChannelSession {
    /// Deliveries the channel has not settled for good: unacknowledged ones, and those whose
    /// ack, nack or reject waits in a transaction never committed (a closing channel discards
    /// the transaction, so they go back to their queues, as in RabbitMQ).
    var unsettledReferences: [DeliveryReference] {
        unacked.map(\.reference) + (transaction?.settlements.flatMap { $0.unacked.map(\.reference) } ?? [])
    }
}

extension BrokerSession {
    /// Tells the client registry (management API) the channel's modes and consumer count.
    /// Called when they change, never per message.
    func publishChannelInfo(_ channel: UInt16) {
        guard let state = channels[channel] else { return }
        handler.updateClientChannel(channel) { info in
            info.confirm = state.confirmMode
            info.transactional = state.transaction != nil
            info.prefetch = state.prefetchCount
            info.consumers = state.consumers.count
        }
    }
}
