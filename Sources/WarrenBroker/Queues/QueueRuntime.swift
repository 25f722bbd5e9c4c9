// QueueRuntime.swift: one queue: its partition log, its default consumer group, its consumers.
import DequeModule
import NIOCore
import WarrenLog

/// A queue at run time. Owned by one event loop: every method runs there.
final class QueueRuntime {
    struct Consumer {
        let id: ConsumerID
        let sink: any DeliverySink
        let noAck: Bool
        /// Deliveries unacknowledged at most (0: no limit), RabbitMQ's per-consumer prefetch.
        let prefetch: Int
        let exclusive: Bool
        var unacked = 0

        var hasCredit: Bool { noAck || prefetch == 0 || unacked < prefetch }
    }

    let definition: QueueDefinition
    let log: PartitionLog
    let journal: ConsumerGroupJournal?
    var group: GroupPartitionState
    var consumers: [ConsumerID: Consumer] = [:]
    /// Round-robin order of consumers.
    var order: Deque<ConsumerID> = []
    static let defaultGroup = "default"

    init(definition: QueueDefinition, log: PartitionLog, journal: ConsumerGroupJournal?) throws {
        self.definition = definition
        self.log = log
        self.journal = journal
        if let saved = journal?.groups[Self.defaultGroup] {
            group = GroupPartitionState(
                ackFloor: UInt64(saved.ackFloor),
                acked: saved.ackedRanges.map { UInt64($0.lowerBound)...UInt64($0.upperBound) },
                cursor: UInt64(min(saved.cursor, log.logEndOffset)))
        } else {
            group = GroupPartitionState(startingAt: UInt64(log.logStartOffset))
            try journal?.record(.created(group: Self.defaultGroup, startOffset: log.logStartOffset))
        }
    }

    var logEnd: UInt64 { UInt64(log.logEndOffset) }
    var messageCount: UInt64 { group.readyCount(logEnd: logEnd) }
    var consumerCount: Int { consumers.count }
    var hasExclusiveConsumer: Bool { consumers.values.contains { $0.exclusive } }

    /// Appends a message; returns its offset.
    func append(_ message: Message) throws -> UInt64 {
        UInt64(try log.append([message.logRecord]).lastOffset)
    }

    func read(_ offset: UInt64) throws -> Message {
        let records = try log.readRecords(from: Int64(offset), maxBytes: LogLimits.batchBytesMax, maxRecords: 1)
        guard let first = records.first, first.offset == Int64(offset) else {
            throw BrokerError(.internalError, "offset \(offset) of queue '\(definition.name)' is missing from its log")
        }
        return Message(record: first.record)
    }

    func addConsumer(_ consumer: Consumer) {
        consumers[consumer.id] = consumer
        order.append(consumer.id)
    }

    /// Removes a consumer; its unacknowledged deliveries go back to the queue.
    func removeConsumer(_ id: ConsumerID) {
        guard consumers.removeValue(forKey: id) != nil else { return }
        order.removeAll { $0 == id }
        group.releaseAll(of: id)
    }

    /// Hands ready messages to consumers with credit, round robin, one batch per consumer.
    func dispatch() throws {
        var batches: [ConsumerID: [Delivery]] = [:]
        var idle = 0
        while idle < order.count, let offset = group.nextOffset(logEnd: logEnd) {
            let id = order.removeFirst()
            order.append(id)
            guard consumers[id]!.hasCredit else {
                idle += 1
                continue
            }
            idle = 0
            let count = group.deliver(offset, consumer: id, deliveryTag: 0)
            let message = try read(offset)
            if consumers[id]!.noAck {
                settle(offset)
            } else {
                consumers[id]!.unacked += 1
            }
            batches[id, default: []].append(Delivery(queue: definition.name, offset: offset, message: message,
                                                     redelivered: count > 1, consumer: id))
        }
        if !batches.isEmpty { try journal?.record(.cursorMoved(group: Self.defaultGroup, offset: Int64(group.readCursor))) }
        for (id, deliveries) in batches { consumers[id]?.sink.deliver(deliveries) }
    }

    /// `basic.get`: the next ready message, settled at once when `noAck`.
    func get(noAck: Bool, consumer: ConsumerID) throws -> Delivery? {
        guard let offset = group.nextOffset(logEnd: logEnd) else { return nil }
        let count = group.deliver(offset, consumer: consumer, deliveryTag: 0)
        let message = try read(offset)
        if noAck { settle(offset) }
        try journal?.record(.cursorMoved(group: Self.defaultGroup, offset: Int64(group.readCursor)))
        return Delivery(queue: definition.name, offset: offset, message: message, redelivered: count > 1, consumer: nil)
    }

    /// Acknowledges (or rejects without requeue) an offset in flight.
    @discardableResult
    func settle(_ offset: UInt64) -> Bool {
        guard let delivery = group.inFlight[offset], group.settle(offset) else { return false }
        consumers[delivery.consumer]?.unacked -= 1
        try? journal?.record(.acked(group: Self.defaultGroup, first: Int64(offset), last: Int64(offset)))
        log.setFloor(Self.defaultGroup, to: Int64(group.ackFloor))
        return true
    }

    /// Returns an offset in flight to the queue for redelivery.
    @discardableResult
    func requeue(_ offset: UInt64) -> Bool {
        guard let delivery = group.inFlight[offset], group.release(offset) else { return false }
        consumers[delivery.consumer]?.unacked -= 1
        return true
    }

    /// Drops every ready message; returns how many.
    func purge() -> UInt64 {
        let released = Array(group.released)
        let cursor = group.readCursor
        let end = logEnd
        let purged = group.purgeReady(logEnd: end)
        for offset in released {
            try? journal?.record(.acked(group: Self.defaultGroup, first: Int64(offset), last: Int64(offset)))
        }
        if end > cursor {
            try? journal?.record(.acked(group: Self.defaultGroup, first: Int64(cursor), last: Int64(end) - 1))
            try? journal?.record(.cursorMoved(group: Self.defaultGroup, offset: Int64(end)))
        }
        log.setFloor(Self.defaultGroup, to: Int64(group.ackFloor))
        return purged
    }

    func close() {
        try? journal?.close()
        try? log.close()
    }
}
