// FileSystem.swift: the storage the log runs on, behind a protocol so tests can inject faults.

import NIOCore
import SystemPackage

/// The file-system operations the partition log uses. `POSIXFileSystem` is the real one; the
/// test suite runs the same tests over a fault-injecting in-memory implementation.
public protocol FileSystem: Sendable {
    /// Opens `path` for reading and writing, creating it (empty) when `create` is true.
    func openFile(_ path: FilePath, create: Bool) throws -> any LogFile
    /// Creates `path` and any missing parents; succeeds when it already exists.
    func createDirectory(_ path: FilePath) throws
    /// Names of the entries of a directory (no `.` or `..`).
    func listDirectory(_ path: FilePath) throws -> [String]
    /// Whether a file or directory exists at `path`.
    func fileExists(_ path: FilePath) -> Bool
    /// Removes a file; succeeds when it does not exist.
    func removeFile(_ path: FilePath) throws
    /// Atomically renames a file, replacing the target.
    func rename(_ from: FilePath, to: FilePath) throws
    /// Makes creations, removals and renames in a directory durable.
    func syncDirectory(_ path: FilePath) throws
}

/// An open file. Implementations are safe to use from two threads at once (the owner writes
/// while the flusher thread calls `sync`).
public protocol LogFile: AnyObject, Sendable {
    /// The path the file was opened with.
    var path: FilePath { get }
    /// Reads up to `count` bytes at `offset`, appending them at `buffer`'s writer index; returns
    /// how many were read. May read fewer (a short read), or none at the end of the file.
    func read(into buffer: inout ByteBuffer, count: Int, at offset: Int64) throws -> Int
    /// Writes all of `bytes` at `offset`, or throws.
    func write(_ bytes: ByteBuffer, at offset: Int64) throws
    /// Current size in bytes.
    func size() throws -> Int64
    /// Cuts or extends the file to `size` bytes.
    func truncate(to size: Int64) throws
    /// Makes every write so far durable (`fsync`).
    func sync() throws
    /// Closes the file. Further calls throw.
    func close() throws
    /// Tells the operating system the file will be read sequentially (larger read-ahead).
    func adviseSequentialReads()
}

extension LogFile {
    /// Does nothing: files that cannot use the hint need not implement it.
    public func adviseSequentialReads() {}

    /// Reads up to `count` bytes at `offset` into a new buffer (may be short).
    public func read(count: Int, at offset: Int64) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        _ = try read(into: &buffer, count: count, at: offset)
        return buffer
    }

    /// Reads `count` bytes at `offset`, retrying short reads; returns fewer only at end of file.
    public func readFully(count: Int, at offset: Int64) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        try readFully(into: &buffer, count: count, at: offset)
        return buffer
    }

    /// Appends `count` bytes read at `offset` to `buffer`, retrying short reads; reads fewer
    /// only at the end of the file.
    public func readFully(into buffer: inout ByteBuffer, count: Int, at offset: Int64) throws {
        var done = 0
        while done < count {
            let read = try read(into: &buffer, count: count - done, at: offset + Int64(done))
            if read == 0 { break }
            done += read
        }
    }
}
