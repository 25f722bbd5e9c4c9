// FlusherRequestHold.swift: lets a log's owner hold back its flusher wake-ups until the end of its turn.

/// Holds back the flusher turns that appends ask for, so the owner can wake the flusher after
/// the rest of its turn instead of in the middle of it.
///
/// An append that needs a flush wakes the flusher thread at once. On a machine with few cores
/// that thread then takes the idle core just before the owner writes the same messages to their
/// consumers' sockets, and the consumer threads those writes wake wait for a core while the
/// flusher copies the bytes and starts the `fsync` (docs/benchmarks.md, "2026-12-07, second
/// stop"). With a hold, the owner calls `hold()` before such a turn and has `release()` run after
/// its writes (the broker queues it as a task behind its deliveries' tasks); the logs that asked
/// for the flusher in between are queued on it then, in the order they asked.
///
/// Set it as `PartitionLog.Configuration.flusherRequestHold`. A log whose owner never calls
/// `hold()` wakes the flusher at once, as without one. Belongs to the logs' owner thread, like
/// the logs themselves. A log that must wait for the flusher itself (close, truncate) lets its
/// own held request go first.
public final class FlusherRequestHold: @unchecked Sendable {
    // Touched by the owner thread only.
    private var held: [PartitionLog] = []
    private var spare: [PartitionLog] = []  // The list `release` emptied, reused.

    /// Whether requests are held now.
    public private(set) var isHolding = false
    /// Whether some log's request waits for `release()`.
    public var hasHeldRequests: Bool { !held.isEmpty }

    public init() {}

    /// Holds every flusher request from now until `release()`.
    public func hold() {
        isHolding = true
    }

    /// Stops holding and queues the held logs on their flusher.
    public func release() {
        isHolding = false
        guard !held.isEmpty else { return }
        var logs = spare
        swap(&logs, &held)
        for log in logs { log.releaseFlusherRequest() }
        logs.removeAll(keepingCapacity: true)
        spare = logs
    }

    /// Called by a log whose request is held (once until the hold lets it go).
    func add(_ log: PartitionLog) {
        held.append(log)
    }
}
