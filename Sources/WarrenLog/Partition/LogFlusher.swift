// LogFlusher.swift: the thread that runs group commits (fsync) for one or more partition logs.

import DequeModule
#if canImport(Glibc)
import Glibc
#endif

/// A dedicated thread that `fsync`s partition logs, so the thread that owns a log never blocks
/// on the disk. One flusher can serve many logs; logs waiting for it are served in turn, and
/// each turn syncs everything its log wrote since its previous turn (group commit). For a log
/// that writes in the background, the turn first writes the batches it appended (`WriteBehind`).
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
    ///
    /// `niceness` above 0 lowers the thread's scheduling priority (`setpriority`, as `nice`):
    /// its work is mostly the disk's, and when it shares the cores with event loops and
    /// clients it then yields them the CPU, so a consumer woken while an fsync runs is not kept
    /// waiting (docs/benchmarks.md, "The first stop of 2026-12-02"). Confirms still wait for
    /// the fsync. Where the system refuses the change (or off Linux) the thread keeps its priority.
    public init(onFsync: (@Sendable (Duration) -> Void)? = nil, niceness: Int32 = 0) {
        self.onFsync = onFsync
        startThread { [self] in
            if niceness != 0 { Self.setThreadNiceness(niceness) }
            run()
        }
    }

    /// Sets the calling thread's niceness. Linux only: there `setpriority(PRIO_PROCESS, 0, …)`
    /// names the calling thread; elsewhere it would renice the whole process, so it does nothing.
    static func setThreadNiceness(_ niceness: Int32) {
        #if canImport(Glibc)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
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
