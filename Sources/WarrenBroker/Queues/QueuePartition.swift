// QueuePartition.swift: one partition of a queue: its log and its consumer-group journal.
import NIOCore
import WarrenLog

/// A partition of a queue. Messages of one partition are delivered in their log order.
final class QueuePartition {
    let index: Int
    let log: PartitionLog
    let journal: ConsumerGroupJournal?
    /// Messages read ahead of the readers (see `read`): offsets from `start`, in order; `used`
    /// says when each window last served a read.
    private var readAhead: [(start: UInt64, messages: [Message], used: UInt64, bytes: Int)] = []
    private var useClock: UInt64 = 0
    /// Publishes waiting for this partition's next fsync (see StoreWaiters.swift).
    let storeWaiters: PartitionStoreWaiters

    /// `loop`: the broker loop, where publishes' promises are settled.
    init(index: Int, log: PartitionLog, journal: ConsumerGroupJournal?, loop: (any EventLoop)? = nil) {
        self.index = index
        self.log = log
        self.journal = journal
        self.storeWaiters = PartitionStoreWaiters(loop: loop, durableOffset: log.highWatermarkReader)
    }

    var logStart: UInt64 { UInt64(log.logStartOffset) }
    var logEnd: UInt64 { UInt64(log.logEndOffset) }

    /// The message at `offset`. Readers mostly go forward one offset at a time, each consumer
    /// group at its own place, so the partition keeps a few read-ahead windows: a read inside
    /// one is served from memory, a miss fills the least recently used window with the next
    /// `readAheadRecords` messages in one log read (a batch holds many records, so reading
    /// one record costs about as much as reading the batch).
    func read(_ offset: UInt64, queue: String) throws -> Message {
        useClock &+= 1
        // Read in place: a copy of the window would retain its message array on every read.
        for index in readAhead.indices {
            let start = readAhead[index].start
            if offset >= start && offset < start + UInt64(readAhead[index].messages.count) {
                readAhead[index].used = useClock
                return readAhead[index].messages[Int(offset - start)]
            }
        }
        var messages: [Message] = []
        messages.reserveCapacity(recordsFrom(offset, atMost: Self.readAheadRecords))
        var bytes = 0
        var reader = MessageReader()
        var contiguous = true
        try log.forEachRecord(from: Int64(offset), maxBytes: Self.readAheadBytes, maxRecords: Self.readAheadRecords) { record in
            // The window holds the run of offsets from `offset` on.
            guard contiguous, record.offset == Int64(offset) + Int64(messages.count) else {
                contiguous = false
                return
            }
            let message = reader.message(from: record)
            bytes += message.body.readableBytes + message.properties.readableBytes
            messages.append(message)
        }
        guard let first = messages.first else {
            throw BrokerError(.internalError, "offset \(offset) of partition \(index) of queue '\(queue)' is missing from its log")
        }
        keep((start: offset, messages: messages, used: useClock, bytes: bytes))
        return first
    }

    /// Keeps messages just appended at `base` as the newest window, as a read would give them
    /// back: a reader keeping up with the publishers reads them from memory, without decoding
    /// the batch just written (the queue calls this only while a group reads near the tail).
    /// A window grows while appends follow on, up to the read-ahead bounds, then the least
    /// recently used window gives way to a new one.
    /// `consumedBelow`: the lowest read position of the groups reading; a window wholly below
    /// it has been read by all of them and gives way first.
    func appended(_ messages: [Message], at base: UInt64, consumedBelow: UInt64) {
        useClock &+= 1
        if let last = readAhead.indices.first(where: { readAhead[$0].start + UInt64(readAhead[$0].messages.count) == base }) {
            let more = Self.fitting(messages, count: readAhead[last].messages.count, bytes: readAhead[last].bytes)
            if more.messages.count == messages.count {
                readAhead[last].messages.append(contentsOf: more.messages)
                readAhead[last].bytes += more.bytes
                readAhead[last].used = useClock
                return
            }
        }
        let fresh = Self.fitting(messages, count: 0, bytes: 0)
        guard !fresh.messages.isEmpty else { return }
        keep((start: base, messages: fresh.messages, used: useClock, bytes: fresh.bytes), consumedBelow: consumedBelow)
    }

    /// Adds a window. When all are taken, one wholly below `consumedBelow` gives way first,
    /// else the least recently used: a reader behind the publishers reads the oldest window
    /// next, so recency alone would evict the window it is about to read.
    private func keep(_ window: (start: UInt64, messages: [Message], used: UInt64, bytes: Int),
                      consumedBelow: UInt64 = 0) {
        if readAhead.count < Self.readAheadWindows {
            readAhead.append(window)
        } else if let read = readAhead.indices.first(where: {
            readAhead[$0].start + UInt64(readAhead[$0].messages.count) <= consumedBelow
        }) {
            readAhead[read] = window
        } else if let oldest = readAhead.indices.min(by: { readAhead[$0].used < readAhead[$1].used }) {
            readAhead[oldest] = window
        }
    }

    /// The longest prefix of `messages` a window already holding `count` messages of `bytes`
    /// takes within the read-ahead bounds, as a read would give them back (the log's record
    /// keeps no priority), and its bytes.
    private static func fitting(_ messages: [Message], count: Int, bytes: Int) -> (messages: [Message], bytes: Int) {
        var fits = 0
        var added = 0
        var anyPriority = false
        for index in messages.indices {  // in place: no copy of each message
            let size = messages[index].body.readableBytes + messages[index].properties.readableBytes
            guard count + fits < readAheadRecords && bytes + added + size <= readAheadBytes else { break }
            fits += 1
            added += size
            anyPriority = anyPriority || messages[index].priority != nil
        }
        // The common case shares the caller's array: no message is copied.
        if fits == messages.count && !anyPriority { return (messages, added) }
        var kept = Array(messages[..<fits])
        for index in kept.indices { kept[index].priority = nil }
        return (kept, added)
    }

    /// How many records a read from `offset` can give, at most `limit`: room reserved for no
    /// more than the log holds, so a window near the tail stays small.
    private func recordsFrom(_ offset: UInt64, atMost limit: Int) -> Int {
        Int(min(UInt64(limit), logEnd > offset ? logEnd - offset : 1))
    }

    /// Forgets the read-ahead windows (their messages were purged or removed by retention).
    func dropReadAhead() {
        readAhead.removeAll()
    }

    /// Windows kept (about one per reader: consumer groups, redeliveries).
    static let readAheadWindows = 8
    /// How far a read looks ahead: records and bytes. A consumer saturated with small
    /// messages runs some thousands behind the publishers (its flow-control window is in flight,
    /// more waits ready), so a window holds up to 2,048 records: at 256, such a reader fell
    /// outside the windows and decoded every message back from the log.
    static let readAheadRecords = 2_048
    static let readAheadBytes = 1 << 20

    /// How many messages of `size` bytes (body and properties) the windows hold together.
    static func recordsWindowsHold(ofSize size: Int) -> Int {
        readAheadWindows * min(readAheadRecords, readAheadBytes / max(size, 1))
    }

    /// Up to `count` messages from `offset` on, by offset, in one read (expiry walks heads
    /// with it instead of reading one record at a time).
    func readAhead(from offset: UInt64, count: Int) throws -> [UInt64: Message] {
        var messages: [UInt64: Message] = [:]
        messages.reserveCapacity(recordsFrom(offset, atMost: count))
        var reader = MessageReader()
        try log.forEachRecord(from: Int64(offset), maxBytes: LogLimits.batchBytesMax, maxRecords: count) { record in
            messages[UInt64(record.offset)] = reader.message(from: record)
        }
        return messages
    }

    /// The offset `start` names in this partition.
    func resolve(_ start: StreamOffset) throws -> UInt64 {
        switch start {
        case .first: return logStart
        case .next: return logEnd
        case .last: return logEnd > logStart ? logEnd - 1 : logStart
        case .offset(let offset): return min(max(offset, logStart), logEnd)
        case .timestamp(let ms): return try log.offset(forTimestamp: ms).map { UInt64($0) } ?? logEnd
        }
    }

    /// The group state the journal kept, clamped to what the log still holds.
    func restoredState(_ saved: ConsumerGroupState) -> GroupPartitionState {
        GroupPartitionState(
            ackFloor: UInt64(max(saved.ackFloor, log.logStartOffset)),
            acked: saved.ackedRanges.map { UInt64($0.lowerBound)...UInt64($0.upperBound) },
            cursor: UInt64(min(max(saved.cursor, log.logStartOffset), log.logEndOffset)))
    }

    /// Closes the log (which syncs it) and tells the waiters how that went.
    func close() {
        log.setDurabilityListener(nil)
        try? journal?.close()
        do {
            try log.close()
            if let failure = log.storageFailure { throw failure }
            storeWaiters.durable(below: .max)
        } catch {
            storeWaiters.failed(BrokerError(.internalError, "storage failed: \(error)"))
        }
    }
}

/// Which partition a message goes to: by its partition key when it has one, else by its
/// routing key; FNV-1a, so the choice is the same in every process and after restarts.
enum PartitionChoice {
    static func partition(key: some Sequence<UInt8>, count: Int) -> Int {
        guard count > 1 else { return 0 }
        var hash: UInt32 = 2_166_136_261
        for byte in key {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return Int(hash % UInt32(count))
    }
}
