// POSIXFileSystem.swift: the FileSystem on POSIX calls (pread, pwrite, fsync, rename).

import NIOCore
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real file system, through `pread`/`pwrite`/`fsync` on file descriptors.
public struct POSIXFileSystem: FileSystem {
    /// Creates the POSIX file system.
    public init() {}

    public func openFile(_ path: FilePath, create: Bool) throws -> any LogFile {
        do {
            let fd = try SystemPackage.FileDescriptor.open(
                path, .readWrite, options: create ? [.create] : [], permissions: [.ownerReadWrite, .groupRead, .otherRead])
            return POSIXFile(path: path, descriptor: fd)
        } catch let errno as Errno {
            throw LogError.io(operation: "open", path: path.string, errno: errno.rawValue)
        }
    }

    public func createDirectory(_ path: FilePath) throws {
        var prefix = path.string.hasPrefix("/") ? "" : "."
        for component in path.string.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw LogError.io(operation: "mkdir", path: prefix, errno: errno)
            }
        }
    }

    public func listDirectory(_ path: FilePath) throws -> [String] {
        guard let dir = opendir(path.string) else {
            throw LogError.io(operation: "opendir", path: path.string, errno: errno)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func fileExists(_ path: FilePath) -> Bool {
        access(path.string, F_OK) == 0
    }

    public func removeFile(_ path: FilePath) throws {
        if unlink(path.string) != 0 && errno != ENOENT {
            throw LogError.io(operation: "unlink", path: path.string, errno: errno)
        }
    }

    public func rename(_ from: FilePath, to: FilePath) throws {
        #if canImport(Glibc)
        let result = Glibc.rename(from.string, to.string)
        #else
        let result = Darwin.rename(from.string, to.string)
        #endif
        if result != 0 { throw LogError.io(operation: "rename", path: from.string, errno: errno) }
    }

    public func syncDirectory(_ path: FilePath) throws {
        let fd: SystemPackage.FileDescriptor
        do { fd = try SystemPackage.FileDescriptor.open(path, .readOnly) } catch let error as Errno {
            throw LogError.io(operation: "open dir", path: path.string, errno: error.rawValue)
        }
        defer { try? fd.close() }
        if fsync(fd.rawValue) != 0 { throw LogError.io(operation: "fsync dir", path: path.string, errno: errno) }
    }
}

/// A file descriptor. `pread`/`pwrite`/`fsync` are safe to call from several threads. The
/// descriptor is closed by `close()` or, failing that, when the last reference goes, so the log
/// can hand a file to the flusher thread and forget it without racing the `fsync`.
final class POSIXFile: LogFile, @unchecked Sendable {
    let path: FilePath
    private let descriptor: SystemPackage.FileDescriptor
    private var isClosed = false

    deinit {
        if !isClosed { try? descriptor.close() }
    }

    init(path: FilePath, descriptor: SystemPackage.FileDescriptor) {
        self.path = path
        self.descriptor = descriptor
    }

    private func fail(_ operation: String, _ error: any Error) -> LogError {
        .io(operation: operation, path: path.string, errno: (error as? Errno)?.rawValue ?? -1)
    }

    func read(into buffer: inout ByteBuffer, count: Int, at offset: Int64) throws -> Int {
        do {
            return try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { pointer in
                try descriptor.read(
                    fromAbsoluteOffset: offset, into: UnsafeMutableRawBufferPointer(rebasing: pointer[0..<count]))
            }
        } catch { throw fail("pread", error) }
    }

    func write(_ bytes: ByteBuffer, at offset: Int64) throws {
        do {
            try bytes.withUnsafeReadableBytes { pointer in
                var written = 0
                while written < pointer.count {
                    written += try descriptor.write(
                        toAbsoluteOffset: offset + Int64(written), UnsafeRawBufferPointer(rebasing: pointer[written...]))
                }
            }
        } catch { throw fail("pwrite", error) }
    }

    func size() throws -> Int64 {
        do { return try descriptor.seek(offset: 0, from: SystemPackage.FileDescriptor.SeekOrigin.end) } catch { throw fail("lseek", error) }
    }

    /// A file already `size` bytes long is left alone. ext4 marks a file truncated to zero, even
    /// one that was empty already, to be written back when it is closed (its `auto_da_alloc`):
    /// every new segment was so marked, and closing one (retention removing it, read or not)
    /// wrote its unsynced pages to disk first, up to 64 MiB, on the thread that let it go.
    func truncate(to size: Int64) throws {
        if try self.size() == size { return }
        do { try descriptor.resize(to: size) } catch { throw fail("ftruncate", error) }
    }

    func sync() throws {
        #if canImport(Darwin)
        let result = fcntl(descriptor.rawValue, F_FULLFSYNC)
        #else
        let result = fdatasync(descriptor.rawValue)
        #endif
        if result != 0 { throw LogError.io(operation: "fsync", path: path.string, errno: errno) }
    }

    func adviseSequentialReads() {
        #if canImport(Glibc)
        _ = posix_fadvise(descriptor.rawValue, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif
    }

    func close() throws {
        guard !isClosed else { return }
        isClosed = true
        do { try descriptor.close() } catch { throw fail("close", error) }
    }
}
