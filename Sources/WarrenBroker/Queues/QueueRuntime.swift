// QueueRuntime.swift: one queue: its partition log and its consumer groups.
import NIOCore
import WarrenLog

/// A queue at run time: a partition log read by consumer groups. Plain consumers share the
/// default group (work-queue semantics); a named group gets every message once, at its own
/// pace. Owned by one event loop: every method runs there.
final class QueueRuntime {
    let definition: QueueDefinition
    let log: PartitionLog
    let journal: ConsumerGroupJournal?
    var groups: [String: ConsumerGroupRuntime] = [:]
    /// The group each consumer belongs to.
    var groupOfConsumer: [ConsumerID: String] = [:]
    static let defaultGroup = "default"

    init(definition: QueueDefinition, log: PartitionLog, journal: ConsumerGroupJournal?) throws {
        self.definition = definition
        self.log = log
        self.journal = journal
        for (name, saved) in journal?.groups ?? [:] {
            let state = GroupPartitionState(
                ackFloor: UInt64(max(saved.ackFloor, log.logStartOffset)),
                acked: saved.ackedRanges.map { UInt64($0.lowerBound)...UInt64($0.upperBound) },
                cursor: UInt64(min(max(saved.cursor, log.logStartOffset), log.logEndOffset)))
            groups[name] = ConsumerGroupRuntime(name: name, durable: true, state: state)
        }
        if groups[Self.defaultGroup] == nil && !isStream {
            _ = try createGroup(Self.defaultGroup, durable: true, start: .first)
        }
        updateFloors()
    }

    var isStream: Bool { definition.arguments["x-queue-type"]?.string == "stream" }
    var logEnd: UInt64 { UInt64(log.logEndOffset) }
    /// Messages ready in the default group (what `queue.declare-ok` reports).
    var messageCount: UInt64 { groups[Self.defaultGroup]?.state.readyCount(logEnd: logEnd) ?? 0 }
    var consumerCount: Int { groupOfConsumer.count }
    var hasExclusiveConsumer: Bool { groups.values.contains { $0.members.values.contains { $0.exclusive } } }

    /// Appends a message; returns its offset. A stream checks its size limit when a segment fills.
    func append(_ message: Message) throws -> UInt64 {
        let segments = log.segmentCount
        let offset = UInt64(try log.append([message.logRecord]).lastOffset)
        if isStream && log.segmentCount != segments { applyRetention() }
        return offset
    }

    /// Deletes segments past retention; groups whose position fell below the log's start move
    /// up to it (a stream reader that fell behind skips what retention removed).
    func applyRetention() {
        guard let deleted = try? log.applyRetention(), deleted > 0 else { return }
        let start = UInt64(log.logStartOffset)
        for group in groups.values where group.state.readCursor < start { group.state.skip(to: start) }
    }

    func read(_ offset: UInt64) throws -> Message {
        let records = try log.readRecords(from: Int64(offset), maxBytes: LogLimits.batchBytesMax, maxRecords: 1)
        guard let first = records.first, first.offset == Int64(offset) else {
            throw BrokerError(.internalError, "offset \(offset) of queue '\(definition.name)' is missing from its log")
        }
        return Message(record: first.record)
    }

    /// The offset `start` names in this log.
    func resolve(_ start: StreamOffset) throws -> UInt64 {
        let first = UInt64(log.logStartOffset)
        switch start {
        case .first: return first
        case .next: return logEnd
        case .last: return logEnd > first ? logEnd - 1 : first
        case .offset(let offset): return min(max(offset, first), logEnd)
        case .timestamp(let ms): return try log.offset(forTimestamp: ms).map { UInt64($0) } ?? logEnd
        }
    }

    func createGroup(_ name: String, durable: Bool, start: StreamOffset) throws -> ConsumerGroupRuntime {
        let offset = try resolve(start)
        let group = ConsumerGroupRuntime(name: name, durable: durable, state: GroupPartitionState(startingAt: offset))
        groups[name] = group
        log.setFloor(name, to: Int64(offset))
        if durable { try journal?.record(.created(group: name, startOffset: Int64(offset))) }
        return group
    }

    /// Adds a consumer to `groupName` (created at `start` if new); stream readers without a
    /// group name get a private group of their own.
    func addConsumer(_ member: ConsumerGroupRuntime.Member, groupName: String?, start: StreamOffset?) throws {
        let name: String
        let group: ConsumerGroupRuntime
        if let groupName {
            name = groupName
            group = try groups[name] ?? createGroup(name, durable: true, start: start ?? .first)
        } else if isStream {
            name = "\u{0}reader-\(member.id)"
            group = try createGroup(name, durable: false, start: start ?? .next)
        } else {
            name = Self.defaultGroup
            group = groups[name]!
        }
        group.add(member)
        groupOfConsumer[member.id] = name
        member.channelPrefetch?.queues.insert(definition.name)
    }

    /// Removes a consumer. Its unacknowledged deliveries stay in flight until settled (the
    /// front door requeues them when their channel closes).
    func removeConsumer(_ id: ConsumerID) {
        guard let name = groupOfConsumer.removeValue(forKey: id), let group = groups[name] else { return }
        group.remove(id)
        if !group.durable && group.members.isEmpty {
            groups[name] = nil
            log.removeFloor(name)
        }
    }

    /// Every consumer of the queue, with its sink (to tell them the queue is gone).
    var allMembers: [ConsumerGroupRuntime.Member] { groups.values.flatMap { $0.members.values } }

    func close() {
        try? journal?.close()
        try? log.close()
    }
}
