// AppendBatch.swift: the messages a front door's batch stores, appended per partition as one
// record batch (one encode, one CRC, one write) instead of one batch per message.
import Logging
import NIOCore

/// Collects appends during `BrokerState.perform` and writes them at its end, before the
/// touched queues dispatch. Only queues whose limits and TTLs need no per-message check take
/// this path (see `BrokerState.store`).
final class AppendBatch {
    struct Entry {
        let runtime: QueueRuntime
        let partition: QueuePartition
        let message: Message
        let waiter: StoreWaiter?
        /// The publish's index among the batch's results.
        let result: Int
    }

    private(set) var entries: [Entry] = []
    /// The result index the entries added now belong to (set by `perform` per publish).
    var currentResult = 0
    /// The batch's last route, for its next publish to the same place.
    var routes = RouteMemo()

    /// A record batch stays well under `LogLimits.batchBytesMax` and this many records.
    static let recordsPerBatchMax = 1024
    static let bytesPerBatchMax = 512 << 10

    var isEmpty: Bool { entries.isEmpty }

    /// Queues a message for the publish `currentResult`.
    func add(_ message: Message, to partition: QueuePartition, of runtime: QueueRuntime, waiter: StoreWaiter?) {
        entries.append(Entry(runtime: runtime, partition: partition, message: message, waiter: waiter,
                             result: currentResult))
    }

    /// Appends every entry, partition by partition in arrival order, registers the waiters of
    /// those stored, and returns the entries that could not be stored.
    func flush(logger: Logger) -> [Entry] {
        var failed: [Entry] = []
        var byPartition: [ObjectIdentifier: [Int]] = [:]
        var order: [ObjectIdentifier] = []
        for (index, entry) in entries.enumerated() {
            let key = ObjectIdentifier(entry.partition)
            if byPartition[key] == nil { order.append(key) }
            byPartition[key, default: []].append(index)
        }
        for key in order {
            let indices = byPartition[key]!
            var start = 0
            while start < indices.count {
                var end = start
                var bytes = 0
                while end < indices.count && end - start < Self.recordsPerBatchMax && (end == start || bytes < Self.bytesPerBatchMax) {
                    let message = entries[indices[end]].message
                    bytes += message.body.readableBytes + message.properties.readableBytes + 64
                    end += 1
                }
                let chunk = Array(indices[start..<end])
                let first = entries[chunk[0]]
                do {
                    let base = try first.runtime.append(chunk.map { entries[$0].message }, to: first.partition)
                    for (position, index) in chunk.enumerated() {
                        guard let waiter = entries[index].waiter else { continue }
                        first.partition.storeWaiters.add(offset: Int64(base) + Int64(position), waiter)
                    }
                } catch {
                    logger.error("append failed", metadata: ["queue": "\(first.runtime.definition.name)", "error": "\(error)"])
                    failed += chunk.map { entries[$0] }
                }
                start = end
            }
        }
        entries.removeAll()
        return failed
    }
}
