// QueueRuntime.swift: one queue: its partitions and its consumer groups.
import NIOCore
import WarrenLog

/// A queue at run time: P partition logs read by consumer groups. Plain consumers share the
/// default group (work-queue semantics); a named group gets every message once, at its own
/// pace. Owned by one event loop: every method runs there.
final class QueueRuntime {
    let definition: QueueDefinition
    let vhost: String
    /// The validated x-arguments (TTL, limits, dead-lettering, type) with the queue's policy
    /// folded in; replaced when a policy that applies changes (`apply(policy:arguments:)`).
    var arguments: QueueArguments
    /// The policy that applies, if any.
    var policy: Policy?
    let partitions: [QueuePartition]
    /// The broker around the queue: clock, dead-letter routing, timers. Set when it is opened;
    /// journal entries recorded before (the default group's creation) are written then.
    weak var host: (any QueueHost)? {
        didSet {
            guard let host else { return }
            for partition in partitions where partition.journal?.hasPendingWrites == true {
                host.journalHasPendingWrites(partition)
            }
        }
    }
    /// When the head-expiry timer fires next (ms), and the timer.
    var expiryTimer: (at: Int64, task: Scheduled<Void>)?
    /// The x-message-ttl messages were enqueued under before a policy changed it, per partition:
    /// offsets below `before` keep `ttl` (oldest entry first), as RabbitMQ fixes a message's
    /// expiry when it is enqueued. Later offsets use `arguments.messageTTL`.
    var earlierTTLs: [Int: [(before: UInt64, ttl: Int64?)]] = [:]
    /// Set while `expireHeads` walks the heads: dead-letterings that complete at once then
    /// leave dispatching to the walk's end instead of dispatching once per message.
    var walkingHeads = false
    /// Whether any message may carry its own TTL (then heads are checked without x-message-ttl).
    var mayHoldExpiringMessages = false
    /// The expiry of each partition's head as last read (offset, ms), so a head is read once.
    var headExpiry: [Int: (offset: UInt64, at: Int64?)] = [:]
    /// Deletes the queue when it stays unused for `x-expires`.
    var unusedTimer: Scheduled<Void>?
    /// Body bytes of the default group's ready messages (kept under `x-max-length-bytes`).
    var readyBytes: Int64 = 0
    var groups: [String: ConsumerGroupRuntime] = [:]
    /// Messages stored, delivered and acknowledged since start, and their rates.
    var counters = MessageCounters()
    var rateSampler = RateSampler()
    /// The group each consumer belongs to.
    var groupOfConsumer: [ConsumerID: String] = [:]
    static let defaultGroup = "default"
    /// The message header that picks a partition (else the routing key does).
    static let partitionKeyHeader = "x-partition-key"

    init(definition: QueueDefinition, vhost: String, arguments: QueueArguments, policy: Policy? = nil,
         partitions: [QueuePartition]) throws {
        precondition(!partitions.isEmpty)
        self.definition = definition
        self.vhost = vhost
        self.arguments = arguments
        self.policy = policy
        self.partitions = partitions
        // Messages stored before a restart may carry their own TTL.
        mayHoldExpiringMessages = partitions.contains { $0.logEnd > $0.logStart }
        var restored: [String: [GroupPartitionState?]] = [:]
        for partition in partitions {
            for (name, saved) in partition.journal?.groups ?? [:] {
                restored[name, default: Array(repeating: nil, count: partitions.count)][partition.index] =
                    partition.restoredState(saved)
            }
        }
        for (name, states) in restored {
            // A partition that never recorded the group (a crash between journals) starts at its
            // first message: redelivering beats losing.
            let complete = states.enumerated().map { $1 ?? GroupPartitionState(startingAt: partitions[$0].logStart) }
            groups[name] = ConsumerGroupRuntime(name: name, durable: true, partitions: complete)
        }
        if groups[Self.defaultGroup] == nil && !isStream {
            _ = try createGroup(Self.defaultGroup, durable: true, start: .first)
        }
        updateFloors()
        countReadyBytes()
    }

    var isStream: Bool { definition.arguments["x-queue-type"]?.string == "stream" }
    /// Messages ready in the default group (what `queue.declare-ok` reports).
    var messageCount: UInt64 {
        guard let group = groups[Self.defaultGroup] else { return 0 }
        return readyCount(of: group)
    }
    /// Messages ready for `group`, over all partitions.
    func readyCount(of group: ConsumerGroupRuntime) -> UInt64 {
        partitions.reduce(0) { $0 + group.partitions[$1.index].readyCount(logEnd: $1.logEnd) }
    }
    var consumerCount: Int { groupOfConsumer.count }
    var hasExclusiveConsumer: Bool { groups.values.contains { $0.members.values.contains { $0.exclusive } } }

    /// Appends a message to the partition its key picks; returns the partition and offset.
    /// A stream checks its size limit when a segment fills.
    func append(_ message: Message, partitionKey: ArgumentValue?) throws -> (partition: QueuePartition, offset: UInt64) {
        let partition = self.partition(for: message, partitionKey: partitionKey)
        return (partition, try append([message], to: partition))
    }

    /// The partition a message goes to: its priority's lane, else by partition key or routing key.
    func partition(for message: Message, partitionKey: ArgumentValue?) -> QueuePartition {
        if let maxPriority = arguments.maxPriority {
            return partitions[min(Int(message.priority ?? 0), maxPriority)]
        }
        guard partitions.count > 1 else { return partitions[0] }
        if case .bytes(let bytes)? = partitionKey {
            return partitions[PartitionChoice.partition(key: bytes, count: partitions.count)]
        }
        return partitions[PartitionChoice.partition(key: message.routingKey.utf8, count: partitions.count)]
    }

    /// Appends messages to one partition as one record batch; returns the first one's offset
    /// (the others follow in order).
    func append(_ messages: [Message], to partition: QueuePartition) throws -> UInt64 {
        let segments = partition.log.segmentCount
        let base = UInt64(try partition.log.append(MessageRecordSource(messages: messages)).baseOffset)
        // Kept in memory only while a group with consumers reads near the tail (within what the
        // windows hold): a backlog nobody is about to read stays on disk only.
        let size = messages.first.map { $0.body.readableBytes + $0.properties.readableBytes } ?? 0
        let near = UInt64(QueuePartition.recordsWindowsHold(ofSize: size))
        var lowest = UInt64.max, highest: UInt64?
        for group in groups.values where !group.members.isEmpty {
            let cursor = group.partitions[partition.index].readCursor
            lowest = min(lowest, cursor)
            highest = max(highest ?? cursor, cursor)
        }
        if let highest, highest + near >= base {
            partition.appended(messages, at: base, consumedBelow: lowest)
        }
        counters.published &+= UInt64(messages.count)
        for index in messages.indices {  // in place: no copy of each message
            if messages[index].expiration != nil { mayHoldExpiringMessages = true }
            becameReady(messages[index])
        }
        if isStream && partition.log.segmentCount != segments { applyRetention(partition) }
        return base
    }

    /// Deletes segments past retention in every partition.
    func applyRetention() {
        for partition in partitions { applyRetention(partition) }
    }

    /// Deletes a partition's segments past retention; groups whose position fell below the
    /// log's start move up to it (a stream reader that fell behind skips what was removed).
    func applyRetention(_ partition: QueuePartition) {
        guard let deleted = try? partition.log.applyRetention(), deleted > 0 else { return }
        partition.dropReadAhead()
        let start = partition.logStart
        for group in groups.values where group.partitions[partition.index].readCursor < start {
            group.partitions[partition.index].skip(to: start)
        }
    }

    func createGroup(_ name: String, durable: Bool, start: StreamOffset) throws -> ConsumerGroupRuntime {
        let offsets = try partitions.map { try $0.resolve(start) }
        let group = ConsumerGroupRuntime(name: name, durable: durable,
                                         partitions: offsets.map { GroupPartitionState(startingAt: $0) })
        groups[name] = group
        for (partition, offset) in zip(partitions, offsets) {
            partition.log.setFloor(name, to: Int64(offset))
            if durable {
                try partition.journal?.record(.created(group: name, startOffset: Int64(offset)))
                host?.journalHasPendingWrites(partition)
            }
        }
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
        group.singleActive = arguments.singleActiveConsumer
        groupOfConsumer[member.id] = name
        unusedTimer?.cancel()
        unusedTimer = nil
        member.channelPrefetch?.queues.insert(definition.name)
    }

    /// Removes a consumer. Its unacknowledged deliveries stay in flight until settled (the
    /// front door requeues them when their channel closes).
    func removeConsumer(_ id: ConsumerID) {
        guard let name = groupOfConsumer.removeValue(forKey: id), let group = groups[name] else { return }
        group.remove(id)
        if consumerCount == 0 { markUsed() }
        if !group.durable && group.members.isEmpty {
            groups[name] = nil
            for partition in partitions { partition.log.removeFloor(name) }
        }
    }

    /// Every consumer of the queue, with its sink (to tell them the queue is gone).
    var allMembers: [ConsumerGroupRuntime.Member] { groups.values.flatMap { $0.members.values } }

    /// Records a group change in the partition's journal; the host writes the buffered
    /// entries once at the end of the loop turn.
    func journal(_ partition: QueuePartition, _ entry: GroupJournalEntry) {
        guard let journal = partition.journal else { return }
        try? journal.record(entry)
        if journal.hasPendingWrites { host?.journalHasPendingWrites(partition) }
    }

    func close() {
        expiryTimer?.task.cancel()
        expiryTimer = nil
        unusedTimer?.cancel()
        unusedTimer = nil
        for partition in partitions { partition.close() }
    }
}
