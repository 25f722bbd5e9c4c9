// QueueRuntime+Limits.swift: x-max-length and x-max-length-bytes with x-overflow, counted
// over the default group's ready messages (unacknowledged ones do not count), as RabbitMQ.
import NIOCore

extension QueueRuntime {
    var hasLengthLimit: Bool { !isStream && (arguments.maxLength != nil || arguments.maxLengthBytes != nil) }

    /// Whether a publish of `size` body bytes would take the queue past a limit.
    func wouldOverflow(adding size: Int) -> Bool {
        if let maxLength = arguments.maxLength, messageCount + 1 > UInt64(maxLength) { return true }
        if let maxBytes = arguments.maxLengthBytes, readyBytes + Int64(size) > maxBytes { return true }
        return false
    }

    var isOverLimit: Bool {
        if let maxLength = arguments.maxLength, messageCount > UInt64(maxLength) { return true }
        if let maxBytes = arguments.maxLengthBytes, readyBytes > maxBytes { return true }
        return false
    }

    /// `drop-head`: drops (or dead-letters, reason `maxlen`) the oldest ready messages until
    /// the queue is within its limits.
    func dropHeadsOverLimit() {
        guard hasLengthLimit, let group = groups[Self.defaultGroup] else { return }
        walkingHeads = true
        defer { walkingHeads = false }
        while isOverLimit {
            guard let (partition, offset) = oldestReady(in: group),
                  let message = try? partition.read(offset, queue: definition.name) else { return }
            group.partitions[partition.index].deliver(offset, consumer: deadLetteringHolder, deliveryTag: 0)
            leftReady(message)
            discard(offset, of: partition, in: group, message: message, reason: .maxlen)
            recordCursor(of: group, in: partition)
        }
    }

    /// The ready message published first, across partitions (by acceptance time).
    private func oldestReady(in group: ConsumerGroupRuntime) -> (QueuePartition, UInt64)? {
        var oldest: (partition: QueuePartition, offset: UInt64, time: Int64)?
        for partition in partitions {
            guard let offset = group.nextOffset(inPartition: partition.index, logEnd: partition.logEnd) else { continue }
            let time = partitions.count == 1 ? 0 : (try? partition.read(offset, queue: definition.name))?.timestamp ?? 0
            if oldest == nil || time < oldest!.time { oldest = (partition, offset, time) }
        }
        return oldest.map { ($0.partition, $0.offset) }
    }

    /// Bookkeeping of ready bytes (kept only under `x-max-length-bytes`).
    func becameReady(_ message: Message) {
        if arguments.maxLengthBytes != nil { readyBytes += Int64(message.body.readableBytes) }
    }

    func leftReady(_ message: Message) {
        if arguments.maxLengthBytes != nil { readyBytes -= Int64(message.body.readableBytes) }
    }

    /// Sums the bodies of the default group's ready messages (at open, under a byte limit).
    func countReadyBytes() {
        guard arguments.maxLengthBytes != nil, let group = groups[Self.defaultGroup] else { return }
        var total: Int64 = 0
        for partition in partitions {
            let state = group.partitions[partition.index]
            for offset in Array(state.released) + Array(state.readCursor..<partition.logEnd) {
                total += Int64((try? partition.read(offset, queue: definition.name))?.body.readableBytes ?? 0)
            }
        }
        readyBytes = total
    }
}
