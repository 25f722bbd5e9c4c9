// LogFlusher.swift: the thread that runs group commits (fsync) for one or more partition logs.

import DequeModule

/// A dedicated thread that `fsync`s partition logs, so the thread that owns a log never blocks
/// on the disk. One flusher can serve many logs; logs waiting for it are served in turn, and
/// each turn syncs everything its log wrote since its previous turn (group commit).
///
/// Durability callbacks run on this thread: keep them short (hand work to an event loop).
public final class LogFlusher: @unchecked Sendable {
    private let lock = ConditionMutex()
    // Guarded by `lock`.
    private var queue: Deque<DurabilityTracker> = []
    private var isStopping = false
    private var isStopped = false

    /// Told how long each group commit's syncs took (for an fsync latency histogram).
    let onFsync: (@Sendable (Duration) -> Void)?

    /// Starts the flusher thread; `onFsync` hears each group commit's duration on it.
    public init(onFsync: (@Sendable (Duration) -> Void)? = nil) {
        self.onFsync = onFsync
        startThread { [self] in run() }
    }

    /// Stops the thread once the logs already queued have been flushed. Idempotent.
    public func shutdown() {
        lock.withLock {
            isStopping = true
            lock.broadcast()
            while !isStopped { lock.wait() }
        }
    }

    func enqueue(_ tracker: DurabilityTracker) {
        lock.withLock {
            precondition(!isStopping, "the flusher was shut down while a log still uses it")
            queue.append(tracker)
            lock.broadcast()
        }
    }

    private func run() {
        while true {
            let next: DurabilityTracker? = lock.withLock {
                while queue.isEmpty && !isStopping { lock.wait() }
                return queue.popFirst()
            }
            guard let next else { break }
            next.flushPending(onFsync)
        }
        lock.withLock {
            isStopped = true
            lock.broadcast()
        }
    }
}
