// QueueRuntime+Delivery.swift: dispatch, get, settle, requeue and purge.
import NIOCore
import WarrenLog

extension QueueRuntime {
    /// Hands ready messages to members with credit, in every group, one batch per member.
    /// Partitions take turns; within a partition, offsets go out in order.
    /// `acceptedAt`: the dispatch right after a publish judges expiry at the message's own
    /// acceptance time, so `x-message-ttl: 0` reaches a consumer that is ready, as in RabbitMQ,
    /// however long the step from storing to dispatching takes.
    func dispatch(acceptedAt: Int64? = nil) throws {
        var batches = GroupedByObject<any DeliverySink, Delivery>()
        let now = acceptedAt ?? host?.nowMilliseconds ?? 0
        let ackTimeout = self.ackTimeout
        // Read once, not per delivery: each read of a name copies (retains) it.
        let queueName = definition.name
        let byPriority = arguments.maxPriority != nil
        let countsDeliveries = arguments.type == .quorum
        for group in groups.values where !group.members.isEmpty {
            let groupName = group.name
            let isDefaultGroup = groupName == Self.defaultGroup
            let expires = checksExpiry && isDefaultGroup
            let ready = Int(min(readyCount(of: group), Self.deliveryBatchCapacity))
            var moved: [Int] = []  // Partitions whose cursor moved; few, so a list.
            // No-ack deliveries settled on the fast path, a run per partition, recorded (journal,
            // log floor) once per run instead of once per message.
            var settledRuns: [SettledRun] = []
            var index = group.nextPartition % partitions.count
            var idle = 0
            while idle < partitions.count {
                if byPriority {
                    // Priority lanes: always the highest lane with a ready message.
                    guard let lane = highestReadyLane(of: group) else { break }
                    index = lane
                }
                let partition = partitions[index]
                guard let offset = group.nextOffset(inPartition: index, logEnd: partition.logEnd) else {
                    idle += 1
                    index = (index + 1) % partitions.count
                    continue
                }
                let member: ConsumerGroupRuntime.Member
                if group.singleActive {
                    // This partition's one reader; when it has no credit the partition waits.
                    guard let pinned = group.pinnedMember(forPartition: index).map({ group.members[$0]! }),
                          pinned.hasCredit else {
                        idle += 1
                        index = (index + 1) % partitions.count
                        continue
                    }
                    member = pinned
                } else {
                    guard let any = group.nextMemberWithCredit() else { break }
                    member = any
                }
                let id = member.id
                let message = try partition.read(offset, queue: queueName)
                if !moved.contains(index) { moved.append(index) }
                if isDefaultGroup { leftReady(message) }
                if expires && isExpired(message, offset: offset, partition: index, now: now) {
                    group.partitions[index].deliver(offset, consumer: deadLetteringHolder, deliveryTag: 0)
                    discard(offset, of: partition, in: group, message: message, reason: .expired)
                    continue
                }
                let cost = BrokerLimits.deliveryCost(bodyBytes: message.body.readableBytes)
                let count: UInt32
                if member.noAck && group.partitions[index].deliverSettled(offset) {
                    // Delivered and settled at once: only the window's credit is spent.
                    count = 1
                    member.window -= cost
                    addSettled(offset, partition: index, to: &settledRuns, in: group)
                } else {
                    count = group.partitions[index].deliver(offset, consumer: id, deliveryTag: 0)
                    group.delivered(to: member, cost: cost)
                    if member.noAck { settle(offset, partition: partition, in: group) }
                }
                var delivery = Delivery(queue: queueName, group: groupName, partition: index, offset: offset,
                                        message: consume message, redelivered: count > 1, consumer: id)
                if countsDeliveries { delivery.previousDeliveries = count - 1 }
                annotateAckTimeout(&delivery, timeout: ackTimeout)
                counted(delivery)
                // A member's list starts with room for what it can take: what is ready, within its prefetch.
                let room = member.noAck || member.prefetch == 0 ? ready : min(ready, member.prefetch - member.unacked + 1)
                batches.append(consume delivery, to: member.sink, id: ObjectIdentifier(member.sink), capacity: room)
                idle = 0
                index = (index + 1) % partitions.count
            }
            group.nextPartition = index
            for run in settledRuns { record(run, in: group) }
            for index in moved { recordCursor(of: group, in: partitions[index]) }
        }
        for (sink, deliveries) in batches.groups { sink.deliver(deliveries) }
        scheduleHeadExpiry()
    }

    /// The most deliveries a dispatch makes room for at once, per consumer.
    static let deliveryBatchCapacity: UInt64 = 128

    /// Offsets `first...last` of a partition, delivered and settled by `dispatch`'s no-ack
    /// fast path. The fast path takes an offset only at the ack floor, so the floor before
    /// the run was `first`.
    struct SettledRun {
        var partition: Int
        var first: UInt64
        var last: UInt64
    }

    /// Extends the partition's run with `offset`, or records the run it does not continue and
    /// starts another.
    private func addSettled(_ offset: UInt64, partition: Int, to runs: inout [SettledRun], in group: ConsumerGroupRuntime) {
        guard let run = runs.firstIndex(where: { $0.partition == partition }) else {
            runs.append(SettledRun(partition: partition, first: offset, last: offset))
            return
        }
        if runs[run].last + 1 != offset {
            record(runs[run], in: group)
            runs[run].first = offset
        }
        runs[run].last = offset
    }

    private func record(_ run: SettledRun, in group: ConsumerGroupRuntime) {
        recordSettled(run.first...run.last, partition: partitions[run.partition], in: group, floorBefore: run.first)
    }

    private func counted(_ delivery: Delivery) {
        counters.delivered &+= 1
        if delivery.redelivered { counters.redelivered &+= 1 }
    }

    /// `basic.get` from the default group: the next ready message, settled at once when `noAck`.
    func get(noAck: Bool, consumer: ConsumerID) throws -> Delivery? {
        expireHeads()
        guard let group = groups[Self.defaultGroup] else { return nil }
        for step in 0..<partitions.count {
            let index = arguments.maxPriority != nil
                ? partitions.count - 1 - step
                : (group.nextPartition + step) % partitions.count
            let partition = partitions[index]
            guard let offset = group.nextOffset(inPartition: index, logEnd: partition.logEnd) else { continue }
            group.nextPartition = (index + 1) % partitions.count
            let count = group.partitions[index].deliver(offset, consumer: consumer, deliveryTag: 0)
            let message = try partition.read(offset, queue: definition.name)
            leftReady(message)
            if noAck { settle(offset, partition: partition, in: group) }
            recordCursor(of: group, in: partition)
            var delivery = Delivery(queue: definition.name, group: group.name, partition: index, offset: offset,
                                    message: message, redelivered: count > 1, consumer: nil)
            if arguments.type == .quorum { delivery.previousDeliveries = count - 1 }
            annotateAckTimeout(&delivery, timeout: ackTimeout)
            counted(delivery)
            return delivery
        }
        return nil
    }

    /// Acknowledges (or rejects without requeue) a delivery in flight. Returns the
    /// channel-wide prefetch the delivery counted against, if any.
    @discardableResult
    func settle(_ reference: DeliveryReference) -> ChannelPrefetch? {
        guard let group = groups[reference.group], partitions.indices.contains(reference.partition) else { return nil }
        return settle(reference.offset, partition: partitions[reference.partition], in: group)
    }

    @discardableResult
    func settle(_ offset: UInt64, partition: QueuePartition, in group: ConsumerGroupRuntime) -> ChannelPrefetch? {
        let index = partition.index
        guard let delivery = group.partitions[index].inFlight[offset] else { return nil }
        let floor = group.partitions[index].ackFloor
        group.partitions[index].settle(offset)
        let channelPrefetch = group.settled(by: delivery.consumer)
        recordSettled(offset...offset, partition: partition, in: group, floorBefore: floor)
        return channelPrefetch
    }

    /// Journals settled offsets (a durable group's) as one range and moves the log's floor
    /// for the group when its ack floor moved past `floorBefore`.
    func recordSettled(_ offsets: ClosedRange<UInt64>, partition: QueuePartition, in group: ConsumerGroupRuntime,
                       floorBefore floor: UInt64) {
        if group.durable {
            journal(partition, .acked(group: group.name, first: Int64(offsets.lowerBound),
                                                  last: Int64(offsets.upperBound)))
        }
        let newFloor = group.partitions[partition.index].ackFloor
        if newFloor != floor {
            partition.log.setFloor(group.name, to: Int64(newFloor))
            // A work queue's oldest segment goes once every group has settled it.
            if !isStream && partition.log.segmentCount > 1 && Int64(newFloor) >= partition.log.oldestSegmentEndOffset {
                applyRetention(partition)
            }
        }
    }

    /// Returns a delivery in flight to its group for redelivery; returns the channel-wide
    /// prefetch the delivery counted against, if any.
    @discardableResult
    func requeue(_ reference: DeliveryReference) -> ChannelPrefetch? {
        guard let group = groups[reference.group], partitions.indices.contains(reference.partition),
              let delivery = group.partitions[reference.partition].inFlight[reference.offset] else { return nil }
        if let limit = arguments.deliveryLimit, Int64(delivery.deliveryCount) > limit,
           let message = try? partitions[reference.partition].read(reference.offset, queue: definition.name) {
            // Returned more often than x-delivery-limit allows: dead-lettered, not redelivered.
            let channelPrefetch = group.settled(by: delivery.consumer)
            discard(reference.offset, of: partitions[reference.partition], in: group, message: message,
                    reason: .deliveryLimit)
            return channelPrefetch
        }
        if let delay = arguments.requeueDelay, delay > 0, let host {
            // x-requeue-delay: held (not ready, not counted) until the delay has passed.
            let channelPrefetch = group.settled(by: delivery.consumer)
            group.partitions[reference.partition].reassign(reference.offset, to: deadLetteringHolder)
            host.loop.assumeIsolated().scheduleTask(in: .milliseconds(delay)) { [weak self] () -> Void in
                guard let self, self.groups[group.name] === group,
                      group.partitions[reference.partition].inFlight[reference.offset]?.consumer == deadLetteringHolder
                else { return }
                self.release(reference, in: group)
                try? self.dispatch()
            }
            return channelPrefetch
        }
        release(reference, in: group)
        return group.settled(by: delivery.consumer)
    }

    /// Makes an in-flight delivery ready again, first in line.
    private func release(_ reference: DeliveryReference, in group: ConsumerGroupRuntime) {
        group.partitions[reference.partition].release(reference.offset)
        if group.name == Self.defaultGroup && arguments.maxLengthBytes != nil,
           let message = try? partitions[reference.partition].read(reference.offset, queue: definition.name) {
            becameReady(message)
        }
    }

    /// Drops every ready message of the default group; returns how many (queue.purge).
    func purge() -> UInt64 {
        guard let group = groups[Self.defaultGroup] else { return 0 }
        var purged: UInt64 = 0
        for partition in partitions {
            partition.dropReadAhead()
            let index = partition.index
            let released = Array(group.partitions[index].released)
            let cursor = group.partitions[index].readCursor
            let end = partition.logEnd
            purged += group.partitions[index].purgeReady(logEnd: end)
            for offset in released {
                journal(partition, .acked(group: group.name, first: Int64(offset), last: Int64(offset)))
            }
            if end > cursor {
                journal(partition, .acked(group: group.name, first: Int64(cursor), last: Int64(end) - 1))
                journal(partition, .cursorMoved(group: group.name, offset: Int64(end)))
            }
            partition.log.setFloor(group.name, to: Int64(group.partitions[index].ackFloor))
            applyRetention(partition)
        }
        readyBytes = 0
        return purged
    }

    /// The consumer timeout a delivery gets now. Read once per dispatch: `host` is a weak
    /// reference, and each load of it is an atomic operation.
    var ackTimeout: Int64? { arguments.consumerTimeout ?? host?.defaultConsumerTimeout }

    func annotateAckTimeout(_ delivery: inout Delivery, timeout: Int64?) {
        delivery.ackTimeout = timeout
        delivery.ackTimeoutRequeues = arguments.consumerTimeoutRequeues
    }

    /// The highest priority lane where `group` has a ready message.
    func highestReadyLane(of group: ConsumerGroupRuntime) -> Int? {
        partitions.reversed().first { group.nextOffset(inPartition: $0.index, logEnd: $0.logEnd) != nil }?.index
    }

    /// Registers every group's ack floors with the logs, so retention keeps what a group needs.
    func updateFloors() {
        for group in groups.values {
            for partition in partitions {
                partition.log.setFloor(group.name, to: Int64(group.partitions[partition.index].ackFloor))
            }
        }
    }
}
