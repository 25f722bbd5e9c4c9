// DurabilityTracker.swift: the high watermark of one log, shared by its owner and the flusher.

import DequeModule

/// What the owner asked to make durable and what the flusher has made durable, for one log.
/// All state sits behind one mutex: the owner thread appends requests, the flusher thread
/// fulfils them, and waiters are called on the flusher thread, outside the mutex.
final class DurabilityTracker: @unchecked Sendable {
    typealias Waiter = @Sendable (Result<Void, LogError>) -> Void

    let lock = ConditionMutex()
    let syncDirectory: @Sendable () throws -> Void

    // Everything below is guarded by `lock`.
    private var requestedOffset: Int64
    private var dirtyFiles: [any LogFile] = []
    private var spareFiles: [any LogFile] = []  // The list the flusher emptied, reused (no allocation per fsync).
    private var directoryDirty = false
    private(set) var durableOffset: Int64
    private(set) var failure: LogError?
    private var waiters: Deque<(offset: Int64, callback: Waiter)> = []
    private var listener: (@Sendable (Int64) -> Void)?
    var isQueued = false
    private var isFlushing = false

    init(durableOffset: Int64, syncDirectory: @escaping @Sendable () throws -> Void) {
        self.requestedOffset = durableOffset
        self.durableOffset = durableOffset
        self.syncDirectory = syncDirectory
    }

    /// Records that `files` hold bytes up to `offset` that must reach the disk. Returns true
    /// when the log must be queued on the flusher (it was not already).
    func request(upTo offset: Int64, files: [any LogFile], directory: Bool) -> Bool {
        lock.withLock {
            for file in files { markDirty(file) }
            return enqueueIfNeeded(offset: offset, directory: directory)
        }
    }

    /// `request` for the common case of one file, without building an array.
    func request(upTo offset: Int64, file: (any LogFile)?) -> Bool {
        lock.withLock {
            if let file { markDirty(file) }
            return enqueueIfNeeded(offset: offset, directory: false)
        }
    }

    private func markDirty(_ file: any LogFile) {
        if !dirtyFiles.contains(where: { $0 === file }) { dirtyFiles.append(file) }
    }

    private func enqueueIfNeeded(offset: Int64, directory: Bool) -> Bool {
        requestedOffset = max(requestedOffset, offset)
        directoryDirty = directoryDirty || directory
        if isQueued || failure != nil { return false }
        isQueued = true
        return true
    }

    /// Called by the flusher: takes the pending work, syncs it, and publishes the result.
    func flushPending() {
        var files: [any LogFile] = []
        let (target, directory) = lock.withLock {
            isQueued = false
            isFlushing = true
            // Take the list and leave the spare one (emptied by the previous flush) in its
            // place, so no list is copied or allocated per fsync.
            swap(&files, &dirtyFiles)
            swap(&dirtyFiles, &spareFiles)
            defer { directoryDirty = false }
            return (requestedOffset, directoryDirty)
        }
        var error: LogError?
        do {
            if directory { try syncDirectory() }
            for file in files { try file.sync() }
        } catch let failed {
            // Whatever a file system throws, the waiters learn that storage failed.
            error = .storageFailed("\(failed)")
        }
        files.removeAll(keepingCapacity: true)
        lock.withLock { spareFiles = files }
        if let error { fail(error) } else { advance(to: target) }
    }

    /// Marks the log durable up to `offset` and wakes the waiters it satisfies.
    func advance(to offset: Int64) {
        var ready: [Waiter] = []
        let listener: (@Sendable (Int64) -> Void)? = lock.withLock {
            isFlushing = false
            defer { lock.broadcast() }
            guard failure == nil, offset > durableOffset else { return nil }
            durableOffset = offset
            while let first = waiters.first, first.offset < offset {
                ready.append(waiters.removeFirst().callback)
            }
            return self.listener
        }
        for waiter in ready { waiter(.success(())) }
        listener?(offset)
    }

    /// Puts the log in the failed state: every waiter, present and future, gets `error`.
    func fail(_ error: LogError) {
        let failed: [Waiter] = lock.withLock {
            isFlushing = false
            failure = failure ?? error
            defer { lock.broadcast() }
            let all = waiters.map(\.callback)
            waiters.removeAll()
            return all
        }
        for waiter in failed { waiter(.failure(error)) }
    }

    /// Calls `callback` once `offset` is durable (or at once if it already is).
    func whenDurable(_ offset: Int64, _ callback: @escaping Waiter) {
        let result: Result<Void, LogError>? = lock.withLock {
            if let failure { return .failure(failure) }
            if offset < durableOffset { return .success(()) }
            // Waiters arrive in offset order from the owner; keep the deque sorted anyway.
            if let last = waiters.last, last.offset > offset {
                let index = waiters.firstIndex { $0.offset > offset }!
                waiters.insert((offset, callback), at: index)
            } else {
                waiters.append((offset, callback))
            }
            return nil
        }
        if let result { callback(result) }
    }

    /// Sets the callback told about each new high watermark (called on the flusher thread).
    func setListener(_ listener: (@Sendable (Int64) -> Void)?) {
        lock.withLock { self.listener = listener }
    }

    /// Blocks until `offset` is durable, the log fails, or the timeout passes.
    func wait(until offset: Int64, timeout: Duration) -> Result<Void, LogError>? {
        let deadline = Monotonic.deadline(after: timeout)
        return lock.withLock {
            while true {
                if let failure { return .failure(failure) }
                if offset < durableOffset { return .success(()) }
                if !lock.wait(untilMonotonicNanoseconds: deadline) && offset >= durableOffset { return nil }
            }
        }
    }

    /// Blocks until the flusher holds no work for this log (before files are cut or removed).
    func waitIdle() {
        lock.withLock {
            while isQueued || isFlushing { lock.wait() }
        }
    }

    /// After a truncation: lowers the watermarks and fails the waiters past the new end.
    func truncate(to offset: Int64) {
        let dropped: [Waiter] = lock.withLock {
            requestedOffset = min(requestedOffset, offset)
            durableOffset = min(durableOffset, offset)
            var dropped: [Waiter] = []
            while let last = waiters.last, last.offset >= offset { dropped.append(waiters.removeLast().callback) }
            return dropped
        }
        for waiter in dropped { waiter(.failure(.offsetOutOfRange(requested: offset, logStart: 0, logEnd: offset))) }
    }

    var currentDurableOffset: Int64 { lock.withLock { durableOffset } }
    var currentFailure: LogError? { lock.withLock { failure } }
}
