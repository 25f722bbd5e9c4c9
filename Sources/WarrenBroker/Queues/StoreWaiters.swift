// StoreWaiters.swift: publishes waiting for their partition's fsync, resolved once per fsync.
import DequeModule
import NIOCore
import WarrenLog

/// Who hears that a publish is stored.
enum StoreWaiter {
    /// A front door's batch: `receiver.stored` with the publish's token.
    case receiver(any BrokerReceiver, token: UInt64)
    /// A caller of the future-based `Broker.publish`.
    case promise(StorePromise)
}

/// Completes a future once every partition a message went to has stored it.
final class StorePromise {
    let promise: EventLoopPromise<Void>
    var remaining = 0

    init(_ promise: EventLoopPromise<Void>) { self.promise = promise }

    /// Call once the message is stored everywhere: settles the future or waits for the
    /// partitions it went to.
    func expect(_ outcome: BrokerState.StoreOutcome) {
        if let rejected = outcome.rejected {
            remaining = -1
            promise.fail(rejected)
        } else if outcome.stores == 0 {
            promise.succeed()
        } else {
            remaining = outcome.stores
        }
    }

    func stored() {
        remaining -= 1
        if remaining == 0 { promise.succeed() }
    }
}

/// The waiters of one partition, in offset order. Touched on the broker loop only; the log's
/// durability listener (on the flusher thread) hops there once per fsync, so no waiter is
/// registered with the log itself and the publish path takes no lock.
final class PartitionStoreWaiters {
    private var waiting: Deque<(offset: Int64, waiter: StoreWaiter)> = []

    var isEmpty: Bool { waiting.isEmpty }

    func add(offset: Int64, _ waiter: StoreWaiter) {
        waiting.append((offset, waiter))
    }

    /// Everything below `highWatermark` is durable: tells each receiver once, with all of
    /// its tokens.
    func durable(below highWatermark: Int64) {
        var tokens: [ObjectIdentifier: (any BrokerReceiver, [UInt64])] = [:]
        while let first = waiting.first, first.offset < highWatermark {
            waiting.removeFirst()
            switch first.waiter {
            case .receiver(let receiver, let token):
                tokens[ObjectIdentifier(receiver), default: (receiver, [])].1.append(token)
            case .promise(let promise):
                promise.stored()
            }
        }
        for (receiver, stored) in tokens.values { receiver.stored(stored, failure: nil) }
    }

    /// Storage failed: every waiter hears it.
    func failed(_ error: BrokerError) {
        var tokens: [ObjectIdentifier: (any BrokerReceiver, [UInt64])] = [:]
        while let first = waiting.popFirst() {
            switch first.waiter {
            case .receiver(let receiver, let token):
                tokens[ObjectIdentifier(receiver), default: (receiver, [])].1.append(token)
            case .promise(let promise):
                promise.promise.fail(error)
            }
        }
        for (receiver, failed) in tokens.values { receiver.stored(failed, failure: error) }
    }
}

/// Lets the flusher's listener reach a partition on the broker loop without keeping it alive.
final class WeakPartition: @unchecked Sendable {
    // Read on the broker loop only.
    weak var partition: QueuePartition?
    init(_ partition: QueuePartition) { self.partition = partition }
}

extension QueuePartition {
    /// Hears the log's fsyncs on `loop` (once per group commit) and resolves the waiters.
    func watchDurability(on loop: any EventLoop) {
        let weak = WeakPartition(self)
        log.setDurabilityListener({ highWatermark in
            loop.execute { weak.partition?.storeWaiters.durable(below: highWatermark) }
        }, onFailure: { error in
            loop.execute {
                weak.partition?.storeWaiters.failed(BrokerError(.internalError, "storage failed: \(error)"))
            }
        })
    }
}
