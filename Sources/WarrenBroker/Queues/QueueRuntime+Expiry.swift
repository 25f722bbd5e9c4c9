// QueueRuntime+Expiry.swift: message TTL at the head of the queue, and dead-lettering.
import NIOCore
import WarrenLog

extension QueueRuntime {
    /// The queue TTL the message at `offset` of partition `index` was enqueued under.
    func messageTTL(offset: UInt64, partition index: Int) -> Int64? {
        for earlier in earlierTTLs[index] ?? [] where offset < earlier.before { return earlier.ttl }
        return arguments.messageTTL
    }

    /// When `message` (at `offset` of partition `index`) expires (ms since the epoch), from the
    /// queue TTL it was enqueued under and its own TTL.
    func expiresAt(_ message: Message, offset: UInt64, partition index: Int) -> Int64? {
        var at: Int64?
        if let ttl = messageTTL(offset: offset, partition: index) { at = message.timestamp + ttl }
        if let own = message.expiration { at = min(at ?? .max, message.timestamp + own) }
        return at
    }

    /// Whether heads must be checked for expired messages.
    var checksExpiry: Bool { arguments.messageTTL != nil || mayHoldExpiringMessages }

    /// Expired once the clock has passed its expiry: a TTL of 0 still lets a consumer that is
    /// ready when the message arrives have it, as in RabbitMQ.
    func isExpired(_ message: Message, offset: UInt64, partition index: Int, now: Int64) -> Bool {
        expiresAt(message, offset: offset, partition: index).map { now > $0 } ?? false
    }

    /// Takes an in-flight `offset` out of `group` for good (expired, rejected, over a limit):
    /// with a dead-letter exchange a copy goes there and the offset is settled once the copy is
    /// stored (it comes back if storing fails); without one it is settled now.
    func discard(_ offset: UInt64, of partition: QueuePartition, in group: ConsumerGroupRuntime, message: Message,
                 reason: DeathReason) {
        group.partitions[partition.index].reassign(offset, to: deadLetteringHolder)
        guard arguments.deadLetterExchange != nil, let host else {
            settle(offset, partition: partition, in: group)
            return
        }
        host.deadLetter(message, from: self, reason: reason).assumeIsolated().whenComplete { [weak self] result in
            guard let self, self.groups[group.name] === group else { return }
            switch result {
            case .success: self.settle(offset, partition: partition, in: group)
            case .failure:
                group.partitions[partition.index].release(offset)
                if group.name == Self.defaultGroup { self.becameReady(message) }
            }
            if !self.walkingHeads { try? self.dispatch() }
        }
    }

    /// `basic.reject`/`nack` without requeue: dead-lettered with reason `rejected`, or dropped.
    @discardableResult
    func reject(_ reference: DeliveryReference) -> ChannelPrefetch? {
        guard let group = groups[reference.group], partitions.indices.contains(reference.partition),
              let delivery = group.partitions[reference.partition].inFlight[reference.offset] else { return nil }
        let partition = partitions[reference.partition]
        guard arguments.deadLetterExchange != nil,
              let message = try? partition.read(reference.offset, queue: definition.name) else {
            return settle(reference)
        }
        let channelPrefetch = group.settled(by: delivery.consumer)
        discard(reference.offset, of: partition, in: group, message: message, reason: .rejected)
        return channelPrefetch
    }

    /// Drops or dead-letters the expired messages at the heads of the default group. Heads are
    /// read a window at a time, and dropped runs are journaled as one range, so the cost follows
    /// the number of expired messages, not the queue's length.
    func expireHeads() {
        guard checksExpiry, let host, let group = groups[Self.defaultGroup] else { return }
        let now = host.nowMilliseconds
        walkingHeads = true
        defer { walkingHeads = false }
        for partition in partitions {
            var moved = false
            var ahead: [UInt64: Message] = [:]
            // Offsets settled without a dead-letter copy, journaled together.
            var dropped: (run: ClosedRange<UInt64>, floor: UInt64)?
            func flushDropped() {
                guard let pending = dropped else { return }
                recordSettled(pending.run, partition: partition, in: group, floorBefore: pending.floor)
                dropped = nil
            }
            while let offset = group.nextOffset(inPartition: partition.index, logEnd: partition.logEnd) {
                if ahead[offset] == nil {
                    ahead = (try? partition.readAhead(from: offset, count: Self.expiryReadAheadMessages)) ?? [:]
                }
                guard let message = ahead.removeValue(forKey: offset),
                      isExpired(message, offset: offset, partition: partition.index, now: now) else { break }
                group.partitions[partition.index].deliver(offset, consumer: deadLetteringHolder, deliveryTag: 0)
                leftReady(message)
                moved = true
                guard arguments.deadLetterExchange == nil else {
                    flushDropped()
                    discard(offset, of: partition, in: group, message: message, reason: .expired)
                    continue
                }
                if let pending = dropped, pending.run.upperBound + 1 != offset { flushDropped() }
                let floor = dropped?.floor ?? group.partitions[partition.index].ackFloor
                group.partitions[partition.index].settle(offset)
                dropped = ((dropped?.run.lowerBound ?? offset)...offset, floor)
            }
            flushDropped()
            if moved { recordCursor(of: group, in: partition) }
        }
    }

    /// Messages read at once while walking expired heads.
    static let expiryReadAheadMessages = 256

    /// Arms a timer for the earliest expiry among the default group's heads, so expired
    /// messages leave (or are dead-lettered) even when nobody consumes.
    func scheduleHeadExpiry() {
        guard checksExpiry, let host, let group = groups[Self.defaultGroup] else { return }
        var earliest: Int64?
        for partition in partitions {
            guard let offset = group.nextOffset(inPartition: partition.index, logEnd: partition.logEnd) else { continue }
            let at: Int64?
            if let cached = headExpiry[partition.index], cached.offset == offset {
                at = cached.at
            } else {
                at = (try? partition.read(offset, queue: definition.name)).flatMap {
                    expiresAt($0, offset: offset, partition: partition.index)
                }
                headExpiry[partition.index] = (offset, at)
            }
            if let at { earliest = min(earliest ?? .max, at) }
        }
        guard let earliest else { return }
        if let timer = expiryTimer, timer.at <= earliest { return }
        expiryTimer?.task.cancel()
        let delay = max(0, earliest + 1 - host.nowMilliseconds)
        let task = host.loop.assumeIsolated().scheduleTask(in: .milliseconds(delay)) { [weak self] () -> Void in
            self?.expiryTimerFired()
        }
        expiryTimer = (earliest, task)
    }

    private func expiryTimerFired() {
        expiryTimer = nil
        expireHeads()
        try? dispatch()
    }

    /// Journals a durable group's read cursor in `partition`.
    func recordCursor(of group: ConsumerGroupRuntime, in partition: QueuePartition) {
        guard group.durable else { return }
        journal(partition, 
            .cursorMoved(group: group.name, offset: Int64(group.partitions[partition.index].readCursor)))
    }
}
