// POSIXFileTests.swift: the real file system's files, where the kernel's behaviour matters.

import Foundation
import NIOCore
import SystemPackage
import Testing
import WarrenLog

@Suite struct POSIXFileTests {
    static let base = FileManager.default.temporaryDirectory.path

    /// Bytes whose write-out this thread cancelled by dropping dirty pages: a file deleted before
    /// the kernel wrote its pages (`cancelled_write_bytes` of `/proc/thread-self/io`).
    static func cancelledWriteBytes() throws -> Int {
        let text = try String(contentsOfFile: "/proc/thread-self/io", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("cancelled_write_bytes:") })
        return try #require(Int(line.split(separator: " ").last ?? ""))
    }

    /// Whether the temporary directory is on ext4, whose close-time write-back the test is
    /// about: the type of the longest mount point over it in `/proc/self/mounts`.
    static var temporaryDirectoryIsExt4: Bool {
        guard let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8) else { return false }
        let path = URL(fileURLWithPath: base).resolvingSymlinksInPath().path
        var best: (point: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 2 else { continue }
            let point = String(fields[1])
            let covers = point == "/" || path == point || path.hasPrefix(point + "/")
            if covers && point.count >= (best?.point.count ?? -1) { best = (point, String(fields[2])) }
        }
        return best?.type == "ext4"
    }

    /// A new segment's file is emptied on creation (a stale file may lie there). On ext4 that
    /// used to mark it for write-back at close, so a segment retention removed before any
    /// fsync was first written to disk, 64 MiB of it, by the thread closing it. Now its
    /// unwritten pages are dropped with it: the 4 MiB written count as cancelled writes.
    @Test(.enabled(if: temporaryDirectoryIsExt4))
    func aNewFileEmptiedAndRemovedUnsyncedIsNotWrittenToDiskWhenItCloses() throws {
        let fileSystem = POSIXFileSystem()
        let directory = FilePath("\(Self.base)/warren-posix-file-tests/\(UUID().uuidString)")
        try fileSystem.createDirectory(directory)
        defer { try? FileManager.default.removeItem(atPath: directory.string) }
        let path = directory.appending("00000000000000000000.log")
        let before = try Self.cancelledWriteBytes()
        let file = try fileSystem.openFile(path, create: true)
        try file.truncate(to: 0)
        try file.write(ByteBuffer(repeating: 7, count: 4 << 20), at: 0)
        try fileSystem.removeFile(path)
        try file.close()
        let cancelled = try Self.cancelledWriteBytes() - before
        #expect(cancelled >= 4 << 20, "\(cancelled) bytes of write-out cancelled")
    }

    @Test func truncateCutsExtendsAndLeavesAFileOfThatSizeAsItIs() throws {
        let fileSystem = POSIXFileSystem()
        let directory = FilePath("\(Self.base)/warren-posix-file-tests/\(UUID().uuidString)")
        try fileSystem.createDirectory(directory)
        defer { try? FileManager.default.removeItem(atPath: directory.string) }
        let file = try fileSystem.openFile(directory.appending("f"), create: true)
        try file.write(ByteBuffer(bytes: Array(0..<100)), at: 0)
        try file.truncate(to: 100)
        #expect(try file.size() == 100)
        #expect(Array(try file.readFully(count: 100, at: 0).readableBytesView) == Array(0..<100))
        try file.truncate(to: 10)
        #expect(try file.size() == 10)
        try file.truncate(to: 20)
        #expect(try file.size() == 20)
        #expect(Array(try file.readFully(count: 20, at: 0).readableBytesView) == Array(0..<10) + [UInt8](repeating: 0, count: 10))
        try file.truncate(to: 0)
        #expect(try file.size() == 0)
        try file.close()
    }
}
