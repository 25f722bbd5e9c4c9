// StoreWaiters.swift: publishes waiting for their partition's fsync, resolved once per fsync.
import DequeModule
import NIOConcurrencyHelpers
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

/// The waiters of one partition, in offset order. The broker loop adds them; the log's
/// durability listener resolves them on the flusher thread, right after the fsync, so a
/// confirm goes from the flusher to the publisher's loop without waiting for the broker's
/// loop (a receiver may therefore hear `stored` before `published`). Promises are settled on
/// the broker loop. The mutex is held only to add or take waiters.
final class PartitionStoreWaiters: @unchecked Sendable {
    private let lock = NIOLock()
    // Guarded by `lock`.
    private var waiting: Deque<(offset: Int64, waiter: StoreWaiter)> = []
    /// Set once storage failed: later waiters hear it at once.
    private var failure: BrokerError?
    /// The broker loop, where promises are settled; nil settles them on the caller's thread.
    let loop: (any EventLoop)?
    /// The log's high watermark (readable from any thread).
    private let durableOffset: @Sendable () -> Int64

    init(loop: (any EventLoop)? = nil, durableOffset: @escaping @Sendable () -> Int64) {
        self.loop = loop
        self.durableOffset = durableOffset
    }

    var isEmpty: Bool { lock.withLock { waiting.isEmpty } }

    /// Adds a waiter for a record just appended. The fsync may already have covered it (the
    /// flusher can finish between the append and this call): then it is told now. A promise is
    /// settled in a later task of the broker loop, after its publish has counted its stores.
    func add(offset: Int64, _ waiter: StoreWaiter) {
        // The watermark is read under the mutex the listener takes: either the listener's
        // `durable(below:)` finds the waiter, or this sees the watermark past it.
        let covered: Result<Void, BrokerError>? = lock.withLock {
            if let failed = self.failure { return .failure(failed) }
            if offset < durableOffset() { return .success(()) }
            waiting.append((offset, waiter))
            return nil
        }
        guard let covered else { return }
        let outcome: BrokerError? = if case .failure(let error) = covered { error } else { nil }
        resolve([waiter], failure: outcome, promisesLater: true)
    }

    /// Everything below `highWatermark` is durable: tells each receiver once, with all of
    /// its tokens.
    func durable(below highWatermark: Int64) {
        let ready: [StoreWaiter] = lock.withLock {
            var ready: [StoreWaiter] = []
            while let first = waiting.first, first.offset < highWatermark {
                ready.append(waiting.removeFirst().waiter)
            }
            return ready
        }
        resolve(ready, failure: nil)
    }

    /// Storage failed: every waiter hears it.
    func failed(_ error: BrokerError) {
        let all: [StoreWaiter] = lock.withLock {
            failure = failure ?? error
            defer { waiting.removeAll() }
            return waiting.map(\.waiter)
        }
        resolve(all, failure: error)
    }

    /// Tells each receiver once with all of its tokens, and settles the promises on the broker
    /// loop: in a later task when `promisesLater` (their publish is still counting its stores),
    /// else at once if already there.
    private func resolve(_ waiters: [StoreWaiter], failure: BrokerError?, promisesLater: Bool = false) {
        guard !waiters.isEmpty else { return }
        var tokens = GroupedByObject<any BrokerReceiver, UInt64>()
        var promises: [StorePromise] = []
        for waiter in waiters {
            switch waiter {
            case .receiver(let receiver, let token): tokens.append(token, to: receiver, id: ObjectIdentifier(receiver))
            case .promise(let promise): promises.append(promise)
            }
        }
        for (receiver, stored) in tokens.groups { receiver.stored(stored, failure: failure) }
        guard !promises.isEmpty else { return }
        let settle = UnsafeTransfer(promises)
        if let loop, promisesLater || !loop.inEventLoop {
            loop.execute { Self.settle(settle.value, failure: failure) }
        } else {
            Self.settle(promises, failure: failure)
        }
    }

    private static func settle(_ promises: [StorePromise], failure: BrokerError?) {
        for promise in promises {
            if let failure { promise.promise.fail(failure) } else { promise.stored() }
        }
    }
}

/// Carries loop-bound values across one hop to the loop that owns them.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension QueuePartition {
    /// Hears the log's fsyncs (once per group commit, on the flusher thread) and resolves
    /// the waiters there.
    func watchDurability() {
        let waiters = storeWaiters
        log.setDurabilityListener({ highWatermark in
            waiters.durable(below: highWatermark)
        }, onFailure: { error in
            waiters.failed(BrokerError(.internalError, "storage failed: \(error)"))
        })
    }
}
