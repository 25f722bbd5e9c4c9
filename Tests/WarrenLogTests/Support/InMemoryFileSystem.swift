// InMemoryFileSystem.swift: a FileSystem in memory that can inject faults and simulate crashes.

import Foundation
import NIOCore
import SystemPackage
import WarrenLog

/// An in-memory file system. Each file keeps the bytes written (the page cache) and the bytes
/// last made durable by `sync`; `crash` throws away what was not synced, optionally keeping a
/// torn prefix of it. Faults: failing `sync`, torn writes, short reads, flipped bits.
final class InMemoryFileSystem: FileSystem, @unchecked Sendable {
    final class Node {
        var data: [UInt8] = []
        var durable: [UInt8] = []
    }

    /// Faults applied to later calls.
    struct Faults {
        /// `sync` throws EIO.
        var failSync = false
        /// The next write stores only this many of its bytes, then throws EIO (a torn write).
        var tornWriteBytes: Int?
        /// Reads return at most half the bytes asked for (at least one).
        var shortReads = false
        /// `sync` signals `entered`, then waits (outside the file system's lock) until `release`
        /// is signalled: a disk whose fsync takes as long as the test wants.
        var syncGate: (entered: DispatchSemaphore, release: DispatchSemaphore)?
        /// Opening a file whose name ends with this throws EMFILE (no descriptor left).
        var failOpeningSuffix: String?
        /// Signalled after each write that stored its bytes: a test waits on it for a write
        /// made on a thread it cannot otherwise watch.
        var writeSignal: DispatchSemaphore?
    }

    private let lock = NSLock()
    private var files: [String: Node] = [:]
    private var directories: Set<String> = []
    private var faults = Faults()
    private(set) var syncCount = 0
    /// Files opened and not yet closed (file handles a real system would hold).
    private var openFiles = 0
    var openFileCount: Int { lock.withLock { openFiles } }
    private var bytesReadCount = 0

    /// Bytes returned by reads so far.
    var bytesRead: Int { lock.withLock { bytesReadCount } }

    func setFaults(_ update: (inout Faults) -> Void) {
        lock.withLock { update(&faults) }
    }

    /// Simulates a power cut: every file goes back to its synced bytes plus, when a file grew
    /// past them, the first `keepUnsynced(unsyncedCount)` of the unsynced bytes (a torn tail).
    func crash(keepUnsynced: (Int) -> Int = { _ in 0 }) {
        lock.withLock {
            for node in files.values {
                let durable = node.durable
                if node.data.count > durable.count, Array(node.data[0..<durable.count]) == durable {
                    let extra = keepUnsynced(node.data.count - durable.count)
                    node.data = durable + node.data[durable.count..<(durable.count + extra)]
                } else {
                    node.data = durable
                }
                node.durable = node.data
            }
        }
    }

    /// Flips one bit of a stored file, in the page cache and on "disk".
    func flipBit(_ path: FilePath, byte: Int, bit: Int = 0) {
        lock.withLock {
            let node = files[path.string]!
            node.data[byte] ^= UInt8(1 << bit)
            if byte < node.durable.count { node.durable[byte] ^= UInt8(1 << bit) }
        }
    }

    /// The bytes of a file (page cache view).
    func contents(_ path: FilePath) -> [UInt8]? {
        lock.withLock { files[path.string]?.data }
    }

    /// Replaces a file's bytes, as durable.
    func setContents(_ path: FilePath, _ bytes: [UInt8]) {
        lock.withLock {
            let node = files[path.string] ?? Node()
            node.data = bytes
            node.durable = bytes
            files[path.string] = node
        }
    }

    func openFile(_ path: FilePath, create: Bool) throws -> any LogFile {
        try lock.withLock {
            if let suffix = faults.failOpeningSuffix, path.string.hasSuffix(suffix) {
                throw LogError.io(operation: "open", path: path.string, errno: EMFILE)
            }
            if let node = files[path.string] {
                openFiles += 1
                return InMemoryFile(path: path, node: node, fileSystem: self)
            }
            guard create else { throw LogError.io(operation: "open", path: path.string, errno: ENOENT) }
            let node = Node()
            files[path.string] = node
            openFiles += 1
            return InMemoryFile(path: path, node: node, fileSystem: self)
        }
    }

    func createDirectory(_ path: FilePath) throws {
        lock.withLock { _ = directories.insert(path.string) }
    }

    func listDirectory(_ path: FilePath) throws -> [String] {
        lock.withLock {
            files.keys.compactMap { key in
                let file = FilePath(key)
                return file.removingLastComponent() == path ? file.lastComponent?.string : nil
            }
        }
    }

    func fileExists(_ path: FilePath) -> Bool {
        lock.withLock { files[path.string] != nil || directories.contains(path.string) }
    }

    func removeFile(_ path: FilePath) throws {
        lock.withLock { files[path.string] = nil }
    }

    func rename(_ from: FilePath, to: FilePath) throws {
        try lock.withLock {
            guard let node = files.removeValue(forKey: from.string) else {
                throw LogError.io(operation: "rename", path: from.string, errno: ENOENT)
            }
            files[to.string] = node
        }
    }

    func syncDirectory(_ path: FilePath) throws {
        try lock.withLock {
            if faults.failSync { throw LogError.io(operation: "fsync dir", path: path.string, errno: EIO) }
        }
    }

    fileprivate func withNode<T>(_ body: (inout Faults) throws -> T) rethrows -> T {
        try lock.withLock { try body(&faults) }
    }

    fileprivate func countSync() { syncCount += 1 }
    fileprivate func countClose() { openFiles -= 1 }
    fileprivate func countRead(_ bytes: Int) { bytesReadCount += bytes }
}

/// A handle on an in-memory file.
final class InMemoryFile: LogFile, @unchecked Sendable {
    let path: FilePath
    private let node: InMemoryFileSystem.Node
    private let fileSystem: InMemoryFileSystem
    private var closed = false

    init(path: FilePath, node: InMemoryFileSystem.Node, fileSystem: InMemoryFileSystem) {
        self.path = path
        self.node = node
        self.fileSystem = fileSystem
    }

    func read(into buffer: inout ByteBuffer, count: Int, at offset: Int64) throws -> Int {
        var bytes = try readBytes(count: count, at: offset)
        buffer.writeBuffer(&bytes.buffer)
        return bytes.count
    }

    private func readBytes(count: Int, at offset: Int64) throws -> (buffer: ByteBuffer, count: Int) {
        try fileSystem.withNode { faults in
            guard !closed else { throw LogError.io(operation: "pread", path: path.string, errno: EBADF) }
            let start = min(Int(offset), node.data.count)
            var end = min(start + count, node.data.count)
            if faults.shortReads && end - start > 1 { end = start + (end - start) / 2 }
            fileSystem.countRead(end - start)
            return (ByteBuffer(bytes: node.data[start..<end]), end - start)
        }
    }

    func write(_ bytes: ByteBuffer, at offset: Int64) throws {
        try fileSystem.withNode { faults in
            guard !closed else { throw LogError.io(operation: "pwrite", path: path.string, errno: EBADF) }
            var toWrite = Array(bytes.readableBytesView)
            var torn = false
            if let keep = faults.tornWriteBytes {
                faults.tornWriteBytes = nil
                toWrite = Array(toWrite.prefix(keep))
                torn = true
            }
            let start = Int(offset)
            if node.data.count < start { node.data += [UInt8](repeating: 0, count: start - node.data.count) }
            let overlap = min(toWrite.count, node.data.count - start)
            node.data.replaceSubrange(start..<(start + overlap), with: toWrite[0..<overlap])
            node.data += toWrite[overlap...]
            if torn { throw LogError.io(operation: "pwrite", path: path.string, errno: EIO) }
            faults.writeSignal?.signal()
        }
    }

    func size() throws -> Int64 {
        fileSystem.withNode { _ in Int64(node.data.count) }
    }

    func truncate(to size: Int64) throws {
        fileSystem.withNode { _ in
            let size = Int(size)
            if node.data.count > size {
                node.data.removeSubrange(size...)
            } else {
                node.data += [UInt8](repeating: 0, count: size - node.data.count)
            }
        }
    }

    func sync() throws {
        // What a real fsync covers: the bytes written before it started.
        let (covered, gate) = try fileSystem.withNode { faults in
            if faults.failSync { throw LogError.io(operation: "fsync", path: path.string, errno: EIO) }
            return (node.data, faults.syncGate)
        }
        if let gate {
            gate.entered.signal()
            gate.release.wait()
        }
        fileSystem.withNode { _ in
            node.durable = covered
            fileSystem.countSync()
        }
    }

    func close() throws {
        fileSystem.withNode { _ in
            if !closed { fileSystem.countClose() }
            closed = true
        }
    }

    /// A file dropped without `close` gives its handle back too, as `POSIXFile` does.
    deinit {
        fileSystem.withNode { _ in if !closed { fileSystem.countClose() } }
    }
}
