// LogTestSupport.swift: the storage variants every log test runs on, a manual clock, helpers.

import Foundation
import NIOCore
import SystemPackage
import Testing
import WarrenLog

/// The file systems the shared suite runs on.
enum Storage: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case posix
    case memory

    var testDescription: String { rawValue }
}

/// A clock tests move by hand.
final class ManualLogClock: LogClock, @unchecked Sendable {
    private let lock = NSLock()
    private var now: Int64

    init(_ start: Int64 = 1_700_000_000_000) {
        now = start
    }

    func nowMilliseconds() -> Int64 { lock.withLock { now } }

    func advance(by duration: Duration) {
        lock.withLock { now += Int64(duration.components.seconds) * 1000 + duration.components.attoseconds / 1_000_000_000_000_000 }
    }
}

/// One test's storage: a file system and a fresh directory on it.
struct LogHarness {
    let storage: Storage
    let fileSystem: any FileSystem
    let directory: FilePath
    let clock = ManualLogClock()

    /// The in-memory file system, when the harness uses it.
    var memory: InMemoryFileSystem? { fileSystem as? InMemoryFileSystem }

    init(_ storage: Storage) {
        self.storage = storage
        switch storage {
        case .posix:
            let base = FileManager.default.temporaryDirectory.path
            directory = FilePath("\(base)/warren-log-tests/\(UUID().uuidString)")
            fileSystem = POSIXFileSystem()
        case .memory:
            directory = FilePath("/log")
            fileSystem = InMemoryFileSystem()
        }
    }

    func open(_ configure: (inout PartitionLog.Configuration) -> Void = { _ in }) throws -> PartitionLog {
        var configuration = PartitionLog.Configuration()
        configure(&configuration)
        return try PartitionLog.open(
            directory: directory, configuration: configuration, fileSystem: fileSystem, clock: clock)
    }

    func path(_ name: String) -> FilePath { directory.appending(name) }

    /// Reads a whole file through the file system.
    func bytes(_ name: String) throws -> [UInt8] {
        let file = try fileSystem.openFile(path(name), create: false)
        return Array(try file.readFully(count: Int(try file.size()), at: 0).readableBytesView)
    }

    /// Overwrites a whole file through the file system.
    func write(_ name: String, _ bytes: [UInt8]) throws {
        let file = try fileSystem.openFile(path(name), create: true)
        try file.truncate(to: 0)
        try file.write(ByteBuffer(bytes: bytes), at: 0)
        try file.sync()
    }

    /// Removes the directory of a POSIX harness.
    func cleanUp() {
        if storage == .posix { try? FileManager.default.removeItem(atPath: directory.string) }
    }
}

/// A record whose value is `"value-<n>"` padded to `size` bytes.
func makeRecord(_ n: Int, size: Int = 0, timestamp: Int64 = 1_700_000_000_000) -> LogRecord {
    var value = ByteBuffer(string: "value-\(n)")
    if value.readableBytes < size { value.writeRepeatingByte(UInt8(n & 0xFF), count: size - value.readableBytes) }
    return LogRecord(
        key: ByteBuffer(string: "key-\(n)"), value: value,
        headers: [.init(name: "routing-key", value: ByteBuffer(string: "rk.\(n)"))], timestamp: timestamp)
}

/// Appends `count` single-record batches numbered from `first`.
@discardableResult
func appendRecords(_ log: PartitionLog, _ first: Int, count: Int, size: Int = 0, timestamp: Int64? = nil) throws
    -> [PartitionLog.AppendResult]
{
    try (first..<(first + count)).map { n in
        try log.append([makeRecord(n, size: size, timestamp: timestamp ?? (1_700_000_000_000 + Int64(n)))])
    }
}

/// Reads every record from `offset` to the log end.
func readAll(_ log: PartitionLog, from offset: Int64 = 0) throws -> [StoredRecord] {
    try log.readRecords(from: max(offset, log.logStartOffset), maxBytes: Int.max)
}

/// Injects `faults` into the harness's in-memory file system, appends record `next` to `log`
/// (which holds `0..<next`, all durable), and expects storage to fail: the waiter hears
/// `storageFailed`, the high watermark stays at `next`, and a later append throws.
/// Returns false (having recorded an issue) when the waiter heard something else.
@discardableResult
func expectStorageFailure(of log: PartitionLog, in harness: LogHarness, next: Int,
                          faults: (inout InMemoryFileSystem.Faults) -> Void) throws -> Bool {
    harness.memory!.setFaults(faults)
    let appended = try log.append([makeRecord(next)])
    let result = log.waitUntilDurable(appended.lastOffset, timeout: .seconds(10))
    guard case .failure(.storageFailed) = result else {
        Issue.record("expected storageFailed, got \(String(describing: result))")
        return false
    }
    #expect(log.highWatermark == Int64(next))
    #expect(throws: LogError.self) { try log.append([makeRecord(next + 1)]) }
    return true
}
