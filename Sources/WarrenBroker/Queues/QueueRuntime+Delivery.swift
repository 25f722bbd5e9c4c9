// QueueRuntime+Delivery.swift: dispatch, get, settle, requeue and purge.
import WarrenLog

extension QueueRuntime {
    /// Hands ready messages to members with credit, in every group, one batch per member.
    func dispatch() throws {
        var batches: [ObjectIdentifier: (any DeliverySink, [Delivery])] = [:]
        for group in groups.values where !group.members.isEmpty {
            var moved = false
            while let offset = group.state.nextOffset(logEnd: logEnd), let id = group.nextMemberWithCredit() {
                let count = group.state.deliver(offset, consumer: id, deliveryTag: 0)
                let message = try read(offset)
                let member = group.members[id]!
                group.delivered(to: id)
                if member.noAck { settle(offset, in: group) }
                let delivery = Delivery(queue: definition.name, group: group.name, offset: offset, message: message,
                                        redelivered: count > 1, consumer: id)
                batches[ObjectIdentifier(member.sink), default: (member.sink, [])].1.append(delivery)
                moved = true
            }
            if moved && group.durable {
                try journal?.record(.cursorMoved(group: group.name, offset: Int64(group.state.readCursor)))
            }
        }
        for (sink, deliveries) in batches.values { sink.deliver(deliveries) }
    }

    /// `basic.get` from the default group: the next ready message, settled at once when `noAck`.
    func get(noAck: Bool, consumer: ConsumerID) throws -> Delivery? {
        guard let group = groups[Self.defaultGroup], let offset = group.state.nextOffset(logEnd: logEnd) else {
            return nil
        }
        let count = group.state.deliver(offset, consumer: consumer, deliveryTag: 0)
        let message = try read(offset)
        if noAck { settle(offset, in: group) }
        try journal?.record(.cursorMoved(group: group.name, offset: Int64(group.state.readCursor)))
        return Delivery(queue: definition.name, group: group.name, offset: offset, message: message,
                        redelivered: count > 1, consumer: nil)
    }

    /// Acknowledges (or rejects without requeue) an offset in flight in `groupName`.
    /// Returns the channel-wide prefetch the delivery counted against, if any.
    @discardableResult
    func settle(_ offset: UInt64, group groupName: String) -> ChannelPrefetch? {
        guard let group = groups[groupName] else { return nil }
        return settle(offset, in: group)
    }

    @discardableResult
    private func settle(_ offset: UInt64, in group: ConsumerGroupRuntime) -> ChannelPrefetch? {
        guard let delivery = group.state.inFlight[offset] else { return nil }
        let floor = group.state.ackFloor
        group.state.settle(offset)
        let channelPrefetch = group.settled(by: delivery.consumer)
        if group.durable {
            try? journal?.record(.acked(group: group.name, first: Int64(offset), last: Int64(offset)))
        }
        if group.state.ackFloor != floor {
            log.setFloor(group.name, to: Int64(group.state.ackFloor))
            // A work queue's oldest segment goes once every group has settled it.
            if !isStream && log.segmentCount > 1 && Int64(group.state.ackFloor) >= log.oldestSegmentEndOffset {
                applyRetention()
            }
        }
        return channelPrefetch
    }

    /// Returns an offset in flight to its group for redelivery; returns the channel-wide
    /// prefetch the delivery counted against, if any.
    @discardableResult
    func requeue(_ offset: UInt64, group groupName: String) -> ChannelPrefetch? {
        guard let group = groups[groupName], let delivery = group.state.inFlight[offset] else { return nil }
        group.state.release(offset)
        return group.settled(by: delivery.consumer)
    }

    /// Drops every ready message of the default group; returns how many (queue.purge).
    func purge() -> UInt64 {
        guard let group = groups[Self.defaultGroup] else { return 0 }
        let released = Array(group.state.released)
        let cursor = group.state.readCursor
        let end = logEnd
        let purged = group.state.purgeReady(logEnd: end)
        for offset in released {
            try? journal?.record(.acked(group: group.name, first: Int64(offset), last: Int64(offset)))
        }
        if end > cursor {
            try? journal?.record(.acked(group: group.name, first: Int64(cursor), last: Int64(end) - 1))
            try? journal?.record(.cursorMoved(group: group.name, offset: Int64(end)))
        }
        log.setFloor(group.name, to: Int64(group.state.ackFloor))
        applyRetention()
        return purged
    }

    /// Registers every group's ack floor with the log, so retention keeps what a group needs.
    func updateFloors() {
        for group in groups.values { log.setFloor(group.name, to: Int64(group.state.ackFloor)) }
    }
}
