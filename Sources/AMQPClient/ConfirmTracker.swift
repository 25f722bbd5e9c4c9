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

    /// A `waitForConfirms` call: it covers the publishes unconfirmed when it was made.
    private struct Waiter {
        var fromTag: UInt64
        var upToTag: UInt64
        var nackedTag: UInt64?
        var promise: EventLoopPromise<Void>
    }

    /// The sequence number the next publish gets.
    private(set) var nextTag: UInt64 = 1
    /// Sequence number of `outstanding.first`.
    private var firstTag: UInt64 = 1
    private var outstanding = CircularBuffer<Entry>()
    private var waiters: [Waiter] = []

    /// Records a publish and returns its sequence number.
    mutating func published(promise: EventLoopPromise<UInt64>?) -> UInt64 {
        let tag = nextTag
        nextTag += 1
        outstanding.append(Entry(settled: false, promise: promise))
        return tag
    }

    /// Applies a `basic.ack` / `basic.nack` from the server; returns how many outstanding
    /// publishes it settled.
    @discardableResult
    mutating func confirmReceived(_ confirm: AMQPConfirm) -> Int {
        let tag = confirm.deliveryTag
        let firstBefore = firstTag
        var settled = 0
        if confirm.multiple {
            while !outstanding.isEmpty, firstTag <= tag {
                if settleFirst(acked: confirm.acked) { settled += 1 }
            }
        } else if tag >= firstTag, tag - firstTag < UInt64(outstanding.count) {
            let index = outstanding.index(outstanding.startIndex, offsetBy: Int(tag - firstTag))
            if !outstanding[index].settled {
                outstanding[index].settled = true
                complete(outstanding[index].promise, tag: tag, acked: confirm.acked)
                outstanding[index].promise = nil
                settled = 1
            }
        }
        if !confirm.acked, settled > 0 {
            noteNack(confirm.multiple ? firstBefore...tag : tag...tag)
        }
        while let first = outstanding.first, first.settled {
            _ = outstanding.removeFirst()
            firstTag += 1
        }
        resolveWaiters()
        return settled
    }

    /// A future that completes once every publish so far is confirmed; it fails with
    /// `publishNacked` when a nack arrived while it waited.
    mutating func waitForConfirms(eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        waiters.append(Waiter(fromTag: firstTag, upToTag: nextTag - 1, nackedTag: nil, promise: promise))
        resolveWaiters()
        return promise.futureResult
    }

    /// Fails every pending confirm future and waiter (the channel closed).
    mutating func failAll(_ error: AMQPClientError) {
        while !outstanding.isEmpty { outstanding.removeFirst().promise?.fail(error) }
        for waiter in waiters { waiter.promise.fail(error) }
        waiters = []
    }

    /// Removes the first entry; returns true when it was still unsettled.
    private mutating func settleFirst(acked: Bool) -> Bool {
        let entry = outstanding.removeFirst()
        if !entry.settled { complete(entry.promise, tag: firstTag, acked: acked) }
        firstTag += 1
        return !entry.settled
    }

    private func complete(_ promise: EventLoopPromise<UInt64>?, tag: UInt64, acked: Bool) {
        if acked {
            promise?.succeed(tag)
        } else {
            promise?.fail(AMQPClientError.publishNacked(deliveryTag: tag))
        }
    }

    /// Marks the waiters whose publishes include a nacked tag.
    private mutating func noteNack(_ tags: ClosedRange<UInt64>) {
        for index in waiters.indices where waiters[index].nackedTag == nil {
            let waiter = waiters[index]
            guard waiter.fromTag <= waiter.upToTag, tags.overlaps(waiter.fromTag...waiter.upToTag) else { continue }
            waiters[index].nackedTag = Swift.max(tags.lowerBound, waiter.fromTag)
        }
    }

    private mutating func resolveWaiters() {
        guard !waiters.isEmpty else { return }
        let confirmedBelow = outstanding.isEmpty ? nextTag : firstTag
        var remaining: [Waiter] = []
        for waiter in waiters {
            if waiter.upToTag < confirmedBelow {
                if let nacked = waiter.nackedTag {
                    waiter.promise.fail(AMQPClientError.publishNacked(deliveryTag: nacked))
                } else {
                    waiter.promise.succeed()
                }
            } else {
                remaining.append(waiter)
            }
        }
        waiters = remaining
    }
}
