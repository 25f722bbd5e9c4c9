// ConfirmTracker.swift: publisher-confirm bookkeeping for one channel in confirm mode.
import NIOCore

/// Tracks unconfirmed publishes by sequence number.
///
/// Sequence numbers are consecutive from 1, so the outstanding ones sit in a ring buffer
/// indexed by `tag - firstTag`: settling any tag is O(1), and `multiple` settles a prefix.
/// Only publishes that asked for a future carry a promise; plain publishes cost one entry.
struct ConfirmTracker {
    private struct Entry {
        var settled: Bool
        var promise: EventLoopPromise<UInt64>?
    }

    private struct Waiter {
        var upToTag: UInt64
        var nacksAtStart: Int
        var promise: EventLoopPromise<Void>
    }

    /// The sequence number the next publish gets.
    private(set) var nextTag: UInt64 = 1
    /// Sequence number of `outstanding.first`.
    private var firstTag: UInt64 = 1
    private var outstanding = CircularBuffer<Entry>()
    private var waiters: [Waiter] = []
    private var nackCount = 0

    /// Records a publish and returns its sequence number.
    mutating func published(promise: EventLoopPromise<UInt64>?) -> UInt64 {
        let tag = nextTag
        nextTag += 1
        outstanding.append(Entry(settled: false, promise: promise))
        return tag
    }

    /// Applies a `basic.ack` / `basic.nack` from the server.
    mutating func confirmReceived(_ confirm: AMQPConfirm) {
        if !confirm.acked { nackCount += 1 }
        let tag = confirm.deliveryTag
        if confirm.multiple {
            while !outstanding.isEmpty, firstTag <= tag { settleFirst(acked: confirm.acked) }
        } else if tag >= firstTag, tag - firstTag < UInt64(outstanding.count) {
            let index = outstanding.index(outstanding.startIndex, offsetBy: Int(tag - firstTag))
            if !outstanding[index].settled {
                outstanding[index].settled = true
                complete(outstanding[index].promise, tag: tag, acked: confirm.acked)
                outstanding[index].promise = nil
            }
        }
        while let first = outstanding.first, first.settled {
            _ = outstanding.removeFirst()
            firstTag += 1
        }
        resolveWaiters()
    }

    /// A future that completes once every publish so far is confirmed; it fails with
    /// `publishNacked` when a nack arrived while it waited.
    mutating func waitForConfirms(eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        waiters.append(Waiter(upToTag: nextTag - 1, nacksAtStart: nackCount, promise: promise))
        resolveWaiters()
        return promise.futureResult
    }

    /// Fails every pending confirm future and waiter (the channel closed).
    mutating func failAll(_ error: AMQPClientError) {
        while !outstanding.isEmpty { outstanding.removeFirst().promise?.fail(error) }
        for waiter in waiters { waiter.promise.fail(error) }
        waiters = []
    }

    private mutating func settleFirst(acked: Bool) {
        let entry = outstanding.removeFirst()
        if !entry.settled { complete(entry.promise, tag: firstTag, acked: acked) }
        firstTag += 1
    }

    private func complete(_ promise: EventLoopPromise<UInt64>?, tag: UInt64, acked: Bool) {
        if acked {
            promise?.succeed(tag)
        } else {
            promise?.fail(AMQPClientError.publishNacked(deliveryTag: tag))
        }
    }

    private mutating func resolveWaiters() {
        guard !waiters.isEmpty else { return }
        let confirmedBelow = outstanding.isEmpty ? nextTag : firstTag
        var remaining: [Waiter] = []
        for waiter in waiters {
            if waiter.upToTag < confirmedBelow {
                if nackCount == waiter.nacksAtStart {
                    waiter.promise.succeed()
                } else {
                    waiter.promise.fail(AMQPClientError.publishNacked(deliveryTag: waiter.upToTag))
                }
            } else {
                remaining.append(waiter)
            }
        }
        waiters = remaining
    }
}
