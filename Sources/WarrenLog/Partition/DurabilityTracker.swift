// DurabilityTracker.swift: the high watermark of one log, shared by its owner and the flusher.

import Atomics
import DequeModule

/// What the owner asked to make durable and what the flusher has made durable, for one log.
///
/// The owner's append path takes no lock: it publishes the offset it wants durable in an
/// atomic, and queues the log on the flusher only when it is not queued already (once per
/// group commit). The flusher syncs the files that became dirty by a roll (registered under
/// the mutex, rare) and the active segment file, which the owner registers under the mutex
/// only when it changes. Waiters and listeners sit behind the mutex and are called on the
/// flusher thread, outside it.
///
/// Why no append is lost: the owner writes its bytes, then stores `requestedOffset`, then
/// tries to set `isQueued`. The flusher clears `isQueued`, then reads the files and
/// `requestedOffset` under the mutex. If the owner saw `isQueued` still set, its store came
/// first and this flush covers it; if not, the owner queued another flush. A new active file
/// is registered under the mutex before any offset in it is requested, so a flush that reads
/// an offset also holds the file that offset is in.
final class DurabilityTracker: @unchecked Sendable {
    typealias Waiter = @Sendable (Result<Void, LogError>) -> Void

    let lock = ConditionMutex()
    let syncDirectory: @Sendable () throws -> Void
    /// Batches the flusher writes before it syncs (a log that writes in the background).
    let writes: WriteBehind?

    // Shared without the mutex.
    private let requestedOffset: ManagedAtomic<Int64>
    private let durable: ManagedAtomic<Int64>
    private let queued = ManagedAtomic(false)
    private let failed = ManagedAtomic(false)
    /// Waiters plus listeners: while zero, `advanceNow` (the `never` policy) needs no mutex.
    private let watchers = ManagedAtomic(0)

    // Touched by the owner thread only.
    private var ownerActiveFile: (any LogFile)?

    // Guarded by `lock`.
    private var activeFile: (any LogFile)?
    private var dirtyFiles: [any LogFile] = []
    private var spareFiles: [any LogFile] = []  // The list the flusher emptied, reused (no allocation per fsync).
    private var directoryDirty = false
    private(set) var failure: LogError?
    private var waiters: Deque<(offset: Int64, callback: Waiter)> = []
    private var listener: (@Sendable (Int64) -> Void)?
    private var failureListener: (@Sendable (LogError) -> Void)?
    private var isFlushing = false
    private var toldOffset: Int64

    init(durableOffset: Int64, writes: WriteBehind? = nil, syncDirectory: @escaping @Sendable () throws -> Void) {
        self.writes = writes
        self.requestedOffset = ManagedAtomic(durableOffset)
        self.durable = ManagedAtomic(durableOffset)
        self.toldOffset = durableOffset
        self.syncDirectory = syncDirectory
    }

    /// Offset after the last durable record; no lock.
    var durableOffset: Int64 { durable.load(ordering: .sequentiallyConsistent) }
    var isQueued: Bool { queued.load(ordering: .sequentiallyConsistent) }

    /// Records that `files` (a rolled segment's) hold bytes up to `offset` that must reach
    /// the disk. Returns true when the log must be queued on the flusher (it was not already).
    func request(upTo offset: Int64, files: [any LogFile], directory: Bool) -> Bool {
        lock.withLock {
            for file in files { markDirty(file) }
            directoryDirty = directoryDirty || directory
        }
        return requestOffset(offset)
    }

    /// The append path: bytes up to `offset` in the active file `file` must reach the disk.
    /// Takes the mutex only when the active file changed. Returns true when the log must be
    /// queued on the flusher.
    func request(upTo offset: Int64, file: (any LogFile)?) -> Bool {
        if let file, file !== ownerActiveFile {
            ownerActiveFile = file
            lock.withLock { activeFile = file }
        }
        return requestOffset(offset)
    }

    /// A batch was queued for the flusher to write, with no durability requested for it (the
    /// `never` and `interval` policies). Returns true when the log must be queued on the flusher.
    func requestWrite() -> Bool {
        if failed.load(ordering: .sequentiallyConsistent) { return false }
        return queued.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged
    }

    private func requestOffset(_ offset: Int64) -> Bool {
        // Only the owner stores it, so a plain max is enough.
        if offset > requestedOffset.load(ordering: .relaxed) {
            requestedOffset.store(offset, ordering: .sequentiallyConsistent)
        }
        if failed.load(ordering: .sequentiallyConsistent) { return false }
        return queued.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged
    }

    private func markDirty(_ file: any LogFile) {
        if !dirtyFiles.contains(where: { $0 === file }) { dirtyFiles.append(file) }
    }

    /// Called by the flusher: takes the pending work, writes the batches queued for it, syncs
    /// what needs it, and publishes the result. A turn that only wrote (nothing requested
    /// beyond the durable offset, no dirty file) syncs nothing and does not call `onFsync`.
    func flushPending(_ onFsync: (@Sendable (Duration) -> Void)? = nil) {
        var files: [any LogFile] = []
        let (target, directory, active) = lock.withLock {
            // Flushing before no longer queued, both under the mutex: `waitIdle` never sees
            // neither while a flush is about to run. The flag is still cleared before the
            // requested offset is read, which the owner's lock-free request relies on.
            isFlushing = true
            queued.store(false, ordering: .sequentiallyConsistent)
            // Take the list and leave the spare one (emptied by the previous flush) in its
            // place, so no list is copied or allocated per fsync.
            swap(&files, &dirtyFiles)
            swap(&dirtyFiles, &spareFiles)
            defer { directoryDirty = false }
            return (requestedOffset.load(ordering: .sequentiallyConsistent), directoryDirty, activeFile)
        }
        var error: LogError?
        do {
            // Every batch queued before `target` was requested is taken here (see WriteBehind).
            try writes?.writeQueued()
            if writes == nil || directory || !files.isEmpty || target > durableOffset {
                let started = ContinuousClock.now
                if directory { try syncDirectory() }
                for file in files { try file.sync() }
                if let active, !files.contains(where: { $0 === active }) { try active.sync() }
                onFsync?(ContinuousClock.now - started)
            }
        } catch let failed {
            // Whatever a file system throws, the waiters learn that storage failed.
            error = .storageFailed("\(failed)")
        }
        files.removeAll(keepingCapacity: true)
        lock.withLock { spareFiles = files }
        if let error { fail(error, fromFlusher: true) } else { advance(to: target) }
    }

    /// The `never` policy: everything appended is durable at once. Takes the mutex only when
    /// someone waits or listens.
    func advanceNow(to offset: Int64) {
        if offset > durable.load(ordering: .relaxed) { durable.store(offset, ordering: .sequentiallyConsistent) }
        if watchers.load(ordering: .sequentiallyConsistent) > 0 { advance(to: offset, fromFlusher: false) }
    }

    /// Marks the log durable up to `offset` and wakes the waiters it satisfies.
    func advance(to offset: Int64, fromFlusher: Bool = true) {
        var ready: [Waiter] = []
        let told: (listener: @Sendable (Int64) -> Void, offset: Int64)? = lock.withLock {
            if fromFlusher { isFlushing = false }
            defer { lock.broadcast() }
            guard failure == nil else { return nil }
            if offset > durable.load(ordering: .relaxed) { durable.store(offset, ordering: .sequentiallyConsistent) }
            let reached = durable.load(ordering: .relaxed)
            while let first = waiters.first, first.offset < reached {
                ready.append(waiters.removeFirst().callback)
            }
            if !ready.isEmpty { watchers.wrappingDecrement(by: ready.count, ordering: .sequentiallyConsistent) }
            guard reached > toldOffset, let listener else { return nil }
            toldOffset = reached
            return (listener, reached)
        }
        for waiter in ready { waiter(.success(())) }
        if let told { told.listener(told.offset) }
    }

    /// Puts the log in the failed state: every waiter, present and future, gets `error`.
    /// `fromFlusher`: the flusher's own flush failed (so no flush runs any more).
    func fail(_ error: LogError, fromFlusher: Bool = false) {
        let (failedWaiters, listener): ([Waiter], (@Sendable (LogError) -> Void)?) = lock.withLock {
            if fromFlusher { isFlushing = false }
            let first = failure == nil
            failure = failure ?? error
            failed.store(true, ordering: .sequentiallyConsistent)
            defer { lock.broadcast() }
            let all = waiters.map(\.callback)
            watchers.wrappingDecrement(by: all.count, ordering: .sequentiallyConsistent)
            waiters.removeAll()
            return (all, first ? failureListener : nil)
        }
        for waiter in failedWaiters { waiter(.failure(error)) }
        listener?(error)
    }

    /// Calls `callback` once `offset` is durable (or at once if it already is).
    func whenDurable(_ offset: Int64, _ callback: @escaping Waiter) {
        let result: Result<Void, LogError>? = lock.withLock {
            if let failure { return .failure(failure) }
            // Counted before the offset is read: `advanceNow` stores the offset before it
            // reads the count, so one of the two sees the other.
            watchers.wrappingIncrement(ordering: .sequentiallyConsistent)
            if offset < durableOffset {
                watchers.wrappingDecrement(ordering: .sequentiallyConsistent)
                return .success(())
            }
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

    /// Sets the callbacks told about each new high watermark and about the first storage
    /// failure (called on the flusher thread).
    func setListener(_ listener: (@Sendable (Int64) -> Void)?, onFailure: (@Sendable (LogError) -> Void)? = nil) {
        lock.withLock {
            let before = (self.listener == nil ? 0 : 1)
            self.listener = listener
            self.failureListener = onFailure
            watchers.wrappingIncrement(by: (listener == nil ? 0 : 1) - before, ordering: .sequentiallyConsistent)
        }
    }

    /// Blocks until `offset` is durable, the log fails, or the timeout passes.
    func wait(until offset: Int64, timeout: Duration) -> Result<Void, LogError>? {
        let deadline = Monotonic.deadline(after: timeout)
        return lock.withLock {
            // Counted as a watcher so that `advanceNow` wakes it.
            watchers.wrappingIncrement(ordering: .sequentiallyConsistent)
            defer { watchers.wrappingDecrement(ordering: .sequentiallyConsistent) }
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

    /// After a truncation: lowers the watermarks, forgets the active file (the owner names
    /// it again with its next request) and fails the waiters past the new end.
    func truncate(to offset: Int64) {
        ownerActiveFile = nil
        let dropped: [Waiter] = lock.withLock {
            activeFile = nil
            if requestedOffset.load(ordering: .relaxed) > offset { requestedOffset.store(offset, ordering: .sequentiallyConsistent) }
            if durable.load(ordering: .relaxed) > offset { durable.store(offset, ordering: .sequentiallyConsistent) }
            toldOffset = min(toldOffset, offset)
            var dropped: [Waiter] = []
            while let last = waiters.last, last.offset >= offset { dropped.append(waiters.removeLast().callback) }
            if !dropped.isEmpty { watchers.wrappingDecrement(by: dropped.count, ordering: .sequentiallyConsistent) }
            return dropped
        }
        for waiter in dropped { waiter(.failure(.offsetOutOfRange(requested: offset, logStart: 0, logEnd: offset))) }
    }

    var currentDurableOffset: Int64 { durableOffset }
    /// The storage failure, if any; takes the mutex only once one happened.
    var currentFailure: LogError? {
        guard failed.load(ordering: .sequentiallyConsistent) else { return nil }
        return lock.withLock { failure }
    }
}
