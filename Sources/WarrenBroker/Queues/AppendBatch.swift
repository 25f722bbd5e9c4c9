// AppendBatch.swift: the messages a front door's batch stores, appended per partition as one
// record batch (one encode, one CRC, one write) instead of one batch per message.
import Logging
import NIOCore

/// Collects appends during `BrokerState.perform` and writes them at its end, before the
/// touched queues dispatch. Only queues whose limits and TTLs need no per-message check take
/// this path (see `BrokerState.store`).
///
/// Messages are gathered per partition as they are added, in the array the log append and the
/// partition's read-ahead take: nothing is copied again at the end (a copy of a message
/// retains its buffers and strings once more).
final class AppendBatch {
    /// One partition's messages of the batch, in arrival order.
    struct PartitionMessages {
        let runtime: QueueRuntime
        let partition: QueuePartition
        var messages: [Message] = []
        /// The publish (its index among the batch's results) each message belongs to.
        var results: [Int] = []
        /// Who waits for the fsync of which message (by position in `messages`).
        var waiters: [(position: Int, waiter: StoreWaiter)] = []
    }

    /// A message that could not be stored: its publish's result index, and whether a waiter
    /// was counted for it.
    struct Failure {
        let result: Int
        let waited: Bool
    }

    private var partitions: [PartitionMessages] = []
    /// Each partition's position in `partitions` (a run of publishes to one queue looks
    /// nothing up).
    private var positions = ObjectPositions()
    /// The result index the messages added now belong to (set by `perform` per publish).
    var currentResult = 0
    /// The batch's last route, for its next publish to the same place.
    var routes = RouteMemo()

    /// A record batch stays well under `LogLimits.batchBytesMax` and this many records.
    static let recordsPerBatchMax = 1024
    static let bytesPerBatchMax = 512 << 10

    /// How many messages the first partition's arrays are sized for at once (a batch's
    /// publishes mostly go to one queue: its arrays then grow in one allocation each).
    private let expected: Int

    /// `expected`: the number of publishes in the batch.
    init(expected: Int = 0) {
        self.expected = expected
    }

    var isEmpty: Bool { partitions.isEmpty }

    /// Queues a message for the publish `currentResult`.
    func add(_ message: Message, to partition: QueuePartition, of runtime: QueueRuntime, waiter: StoreWaiter?) {
        let position = self.position(of: partition, runtime: runtime)
        if let waiter {
            partitions[position].waiters.append((partitions[position].messages.count, waiter))
        }
        partitions[position].messages.append(message)
        partitions[position].results.append(currentResult)
    }

    private func position(of partition: QueuePartition, runtime: QueueRuntime) -> Int {
        let (position, isNew) = positions.position(of: ObjectIdentifier(partition))
        if isNew {
            var added = PartitionMessages(runtime: runtime, partition: partition)
            if position == 0 && expected > 1 {
                added.messages.reserveCapacity(expected)
                added.results.reserveCapacity(expected)
            }
            partitions.append(added)
        }
        return position
    }

    /// Appends every partition's messages, in arrival order, registers the waiters of those
    /// stored, and returns the messages that could not be stored.
    func flush(logger: Logger) -> [Failure] {
        var failed: [Failure] = []
        for index in partitions.indices {
            let runtime = partitions[index].runtime
            let partition = partitions[index].partition
            let count = partitions[index].messages.count
            var start = 0
            var nextWaiter = 0
            while start < count {
                var end = start
                var bytes = 0
                while end < count && end - start < Self.recordsPerBatchMax && (end == start || bytes < Self.bytesPerBatchMax) {
                    bytes += partitions[index].messages[end].body.readableBytes
                        + partitions[index].messages[end].properties.readableBytes + 64
                    end += 1
                }
                // The whole array when it is one chunk (the common case): no copy of its messages.
                let chunk = start == 0 && end == count
                    ? partitions[index].messages : Array(partitions[index].messages[start..<end])
                let waitersEnd = partitions[index].waiters[nextWaiter...].firstIndex { $0.position >= end }
                    ?? partitions[index].waiters.endIndex
                do {
                    let base = try runtime.append(chunk, to: partition)
                    for waiting in partitions[index].waiters[nextWaiter..<waitersEnd] {
                        partition.storeWaiters.add(offset: Int64(base) + Int64(waiting.position - start), waiting.waiter)
                    }
                } catch {
                    logger.error("append failed", metadata: ["queue": "\(runtime.definition.name)", "error": "\(error)"])
                    let waited = Set(partitions[index].waiters[nextWaiter..<waitersEnd].map(\.position))
                    for position in start..<end {
                        failed.append(Failure(result: partitions[index].results[position], waited: waited.contains(position)))
                    }
                }
                nextWaiter = waitersEnd
                start = end
            }
        }
        partitions.removeAll()
        positions = ObjectPositions()
        return failed
    }
}
