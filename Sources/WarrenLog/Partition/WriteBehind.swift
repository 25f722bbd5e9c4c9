// WriteBehind.swift: appended batches waiting to be written to their segment files by the flusher.

import Atomics
import NIOCore

/// The bytes a log has appended but not yet written to its segment files, when the log writes
/// in the background (`PartitionLog.Configuration.writesInBackground`).
///
/// The owner's `append` queues its batch here instead of calling `pwrite`, and the flusher
/// writes the queue at the start of the log's next turn, just before it syncs the files. The
/// copy into the page cache (most of an append's cost) then runs on the flusher's thread,
/// beside the `fsync` that waited for it anyway, while the owner's thread serves clients.
///
/// Why a sync never covers an unwritten batch: the owner queues a batch (under the mutex)
/// before it requests durability for it; the flusher reads the requested offset, then takes
/// the queue (under the mutex) and writes it, then syncs. When the owner writes the queue
/// itself (`finish`: a read of bytes not yet written, a truncation, a close, or too many bytes
/// queued), it holds the mutex while it writes, so a flusher turn that found the queue empty
/// waits until those writes are done before it syncs.
final class WriteBehind: @unchecked Sendable {
    /// One queued batch: the bytes, the file and position they go to, and the segment's count
    /// of bytes written so far (advanced once they are).
    struct Write {
        let file: any LogFile
        let bytes: ByteBuffer
        let position: Int64
        let writtenSize: ManagedAtomic<Int64>
    }

    private let lock = ConditionMutex()
    // Guarded by `lock`.
    private var queue: [Write] = []
    private var spare: [Write] = []  // The list the flusher emptied, reused (no allocation per turn).
    private var flusherIsWriting = false
    /// Bytes queued or being written; read without the mutex.
    private let unwritten = ManagedAtomic(0)

    /// Bytes appended and not yet written.
    var unwrittenBytes: Int { unwritten.load(ordering: .acquiring) }

    /// The owner: queues `bytes` for `file` at `position`.
    func enqueue(_ bytes: ByteBuffer, to file: any LogFile, at position: Int64, writtenSize: ManagedAtomic<Int64>) {
        unwritten.wrappingIncrement(by: bytes.readableBytes, ordering: .relaxed)
        lock.withLock {
            queue.append(Write(file: file, bytes: bytes, position: position, writtenSize: writtenSize))
        }
    }

    /// The flusher: writes everything queued. Throws the first write error (the log then fails).
    func writeQueued() throws {
        var writes: [Write] = []
        lock.withLock {
            guard !queue.isEmpty else { return }
            swap(&writes, &queue)
            swap(&queue, &spare)
            flusherIsWriting = true
        }
        guard !writes.isEmpty else { return }
        defer {
            writes.removeAll(keepingCapacity: true)
            lock.withLock {
                spare = writes
                flusherIsWriting = false
                lock.broadcast()
            }
        }
        try Self.write(writes, unwritten)
    }

    /// The owner: writes everything still queued on its own thread and waits for writes the
    /// flusher has under way, so every byte appended so far is in its file when this returns.
    func finish() throws {
        guard unwrittenBytes > 0 else { return }
        try lock.withLock {
            // Written holding the mutex: a flusher turn that took nothing waits for them
            // before it syncs (see the type's comment).
            if !queue.isEmpty {
                defer { queue.removeAll(keepingCapacity: true) }
                try Self.write(queue, unwritten)
            }
            while flusherIsWriting { lock.wait() }
        }
    }

    /// Drops what is queued (a log released without `close`, as a crash would), after the
    /// flusher's writes under way end.
    func discard() {
        lock.withLock {
            unwritten.wrappingDecrement(by: queue.reduce(0) { $0 + $1.bytes.readableBytes }, ordering: .relaxed)
            queue.removeAll()
            while flusherIsWriting { lock.wait() }
        }
    }

    private static func write(_ writes: [Write], _ unwritten: ManagedAtomic<Int>) throws {
        for index in writes.indices {
            let write = writes[index]
            try write.file.write(write.bytes, at: write.position)
            let end = write.position + Int64(write.bytes.readableBytes)
            // Writes to one segment complete in order, except when the owner writes the tail
            // while the flusher writes an earlier part: the owner then waits for the flusher
            // before it reads, so keeping the larger size is safe.
            var current = write.writtenSize.load(ordering: .relaxed)
            while current < end {
                let (exchanged, original) = write.writtenSize.compareExchange(
                    expected: current, desired: end, ordering: .sequentiallyConsistent)
                if exchanged { break }
                current = original
            }
            unwritten.wrappingDecrement(by: write.bytes.readableBytes, ordering: .releasing)
        }
    }
}
