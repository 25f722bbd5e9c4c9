// ConsumerGroupRuntime.swift: one consumer group of a queue: its position and its members.
import DequeModule

/// A consumer group: every message of the queue once, its members competing for them.
final class ConsumerGroupRuntime {
    struct Member {
        let id: ConsumerID
        let sink: any DeliverySink
        let noAck: Bool
        /// Deliveries unacknowledged at most (0: no limit), RabbitMQ's per-consumer prefetch.
        let prefetch: Int
        let exclusive: Bool
        var unacked = 0

        var hasCredit: Bool { noAck || prefetch == 0 || unacked < prefetch }
    }

    let name: String
    /// Journaled groups survive restarts; a stream reader's private group does not.
    let durable: Bool
    var state: GroupPartitionState
    var members: [ConsumerID: Member] = [:]
    /// Round-robin order of members.
    var order: Deque<ConsumerID> = []

    init(name: String, durable: Bool, state: GroupPartitionState) {
        self.name = name
        self.durable = durable
        self.state = state
    }

    func add(_ member: Member) {
        members[member.id] = member
        order.append(member.id)
    }

    /// Removes a member. Its unacknowledged deliveries stay in flight, still ackable, as after
    /// RabbitMQ's `basic.cancel`: they go back when the channel that holds them requeues them.
    func remove(_ id: ConsumerID) {
        guard members.removeValue(forKey: id) != nil else { return }
        order.removeAll { $0 == id }
    }

    /// The next member with credit, round robin; nil when none has any.
    func nextMemberWithCredit() -> ConsumerID? {
        for _ in 0..<order.count {
            let id = order.removeFirst()
            order.append(id)
            if members[id]!.hasCredit { return id }
        }
        return nil
    }
}
