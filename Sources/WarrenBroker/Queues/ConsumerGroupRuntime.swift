// ConsumerGroupRuntime.swift: one consumer group of a queue: its position and its members.
import DequeModule

/// A consumer group: every message of the queue once, its members competing for them.
final class ConsumerGroupRuntime {
    /// A reference: dispatch and settlement update its counters in place, without copying it
    /// out of the dictionary and back.
    final class Member {
        let id: ConsumerID
        let sink: any DeliverySink
        let noAck: Bool
        /// Deliveries unacknowledged at most (0: no limit), RabbitMQ's per-consumer prefetch.
        let prefetch: Int
        let exclusive: Bool
        /// `x-priority`: higher-priority members get messages while they have credit.
        var priority = 0
        /// The channel-wide limit of `basic.qos` with global=true, if set.
        var channelPrefetch: ChannelPrefetch?
        var unacked = 0
        /// What the front door takes before it grants more (`Broker.grantDeliveries`), in
        /// `BrokerLimits.deliveryCost` units: it grants them back once written and its socket
        /// is writable, so a client that stops reading holds at most this much, whatever its
        /// prefetch or no-ack.
        var window = BrokerLimits.consumerWindow

        init(id: ConsumerID, sink: any DeliverySink, noAck: Bool, prefetch: Int, exclusive: Bool, priority: Int = 0,
             channelPrefetch: ChannelPrefetch? = nil) {
            self.id = id
            self.sink = sink
            self.noAck = noAck
            self.prefetch = prefetch
            self.exclusive = exclusive
            self.priority = priority
            self.channelPrefetch = channelPrefetch
        }

        var hasCredit: Bool {
            window > 0 && (noAck || ((prefetch == 0 || unacked < prefetch) && channelPrefetch?.hasCredit != false))
        }
    }

    let name: String
    /// Journaled groups survive restarts; a stream reader's private group does not.
    let durable: Bool
    /// Position and in-flight deliveries in each partition of the queue.
    var partitions: [GroupPartitionState]
    /// The partition dispatch looks at first next time (partitions take turns).
    var nextPartition = 0
    var members: [ConsumerID: Member] = [:]
    /// Members that left with deliveries still unacknowledged, until those are settled.
    var departed: [ConsumerID: Member] = [:]
    /// Round-robin order of members.
    var order: Deque<ConsumerID> = []
    /// Members in the order they joined (single-active-consumer hand-over follows it).
    var registration: [ConsumerID] = []
    /// Single active consumer: each partition is pinned to one member (partition p to the
    /// p-th member, wrapping), so one queue partition has one reader at a time, in order.
    var singleActive = false

    init(name: String, durable: Bool, partitions: [GroupPartitionState]) {
        self.name = name
        self.durable = durable
        self.partitions = partitions
    }

    func add(_ member: Member) {
        members[member.id] = member
        order.append(member.id)
        registration.append(member.id)
    }

    /// The member partition `index` is pinned to under single active consumer.
    func pinnedMember(forPartition index: Int) -> ConsumerID? {
        registration.isEmpty ? nil : registration[index % registration.count]
    }

    /// Removes a member. Its unacknowledged deliveries stay in flight, still ackable, as after
    /// RabbitMQ's `basic.cancel`: they go back when the channel that holds them requeues them.
    func remove(_ id: ConsumerID) {
        guard let member = members.removeValue(forKey: id) else { return }
        order.removeAll { $0 == id }
        registration.removeAll { $0 == id }
        if member.unacked > 0 { departed[id] = member }
    }

    /// Counts a delivery to `member` against its prefetch limits, and its cost against the
    /// front door's window.
    func delivered(to member: Member, cost: Int) {
        member.window -= cost
        member.unacked += 1
        member.channelPrefetch?.unacked += 1
    }

    /// Releases the credit a delivery to `consumer` held; returns its channel-wide limit.
    @discardableResult
    func settled(by consumer: ConsumerID) -> ChannelPrefetch? {
        if let member = members[consumer] {
            member.unacked -= 1
            member.channelPrefetch?.unacked -= 1
            return member.channelPrefetch
        }
        guard let member = departed[consumer] else { return nil }
        member.unacked -= 1
        member.channelPrefetch?.unacked -= 1
        if member.unacked <= 0 { departed[consumer] = nil }
        return member.channelPrefetch
    }

    /// The next offset to deliver in partition `index` (see `GroupPartitionState.nextOffset`),
    /// read in place: calling the state's method on `partitions[index]` copies the state out of
    /// this class's array first, a retain and a release of each of its tables (a profile counted
    /// nine per message in dispatch).
    func nextOffset(inPartition index: Int, logEnd: UInt64) -> UInt64? {
        partitions.withUnsafeBufferPointer { $0[index].nextOffset(logEnd: logEnd) }
    }

    /// The member to deliver to next: of those with credit, the highest `x-priority`, and
    /// among equals the one served longest ago (round robin). Nil when none has credit.
    func nextMemberWithCredit() -> Member? {
        if order.count == 1 {
            // One member (the common case): no search, no reordering.
            let member = members[order[0]]!
            return member.hasCredit ? member : nil
        }
        var best: (index: Int, member: Member)?
        for (index, id) in order.enumerated() {
            let member = members[id]!
            guard member.hasCredit, best.map({ member.priority > $0.member.priority }) ?? true else { continue }
            best = (index, member)
        }
        guard let best else { return nil }
        let id = order.remove(at: best.index)
        order.append(id)
        return best.member
    }
}
