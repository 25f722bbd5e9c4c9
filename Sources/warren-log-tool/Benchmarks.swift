// Benchmarks.swift: throughput and open-time measurements of WarrenLog, each next to the raw
// disk measured in the same run. Results and commands are recorded in docs/benchmarks.md.

import ArgumentParser
import Foundation
import NIOCore
import SystemPackage
import WarrenLog

/// Monotonic seconds.
func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Empties the page cache (needs root); returns whether it worked.
func dropPageCache() -> Bool {
    sync()
    return (try? "3\n".write(toFile: "/proc/sys/vm/drop_caches", atomically: false, encoding: .utf8)) != nil
}

func removeTree(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

struct BenchAppend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-append",
        abstract: "Concurrent appenders with `always`, against raw pwrite+fdatasync at the same sizes and cadence.")

    @Option(help: "Scratch directory (emptied).") var directory: String
    @Option(help: "Concurrent appenders.") var appenders = 8
    @Option(help: "Bytes per record value.") var recordBytes = 1024
    @Option(help: "Records per append (one batch).") var batchRecords = 64
    @Option(help: "Batches each appender keeps in flight (publisher-confirm window).") var window = 8
    @Option(help: "Seconds to run.") var seconds = 10.0

    func run() throws {
        removeTree(directory)
        var configuration = PartitionLog.Configuration()
        configuration.durability = .always
        configuration.segmentBytes = 256 << 20
        let log = try PartitionLog.open(directory: FilePath("\(directory)/log"), configuration: configuration)
        let commits = Counter()
        log.setDurabilityListener { _ in commits.add(1) }
        let owner = NSLock()  // Stands for the event loop that owns the partition.
        let owned = OwnedLog(log)
        let value = ByteBuffer(repeating: 0x5A, count: recordBytes)
        let records = (0..<batchRecords).map { _ in LogRecord(key: nil, value: value, timestamp: 1_700_000_000_000) }
        let appended = Counter()
        let deadline = now() + seconds
        let start = now()
        let group = DispatchGroup()
        for _ in 0..<appenders {
            group.enter()
            Thread.detachNewThread { [window] in
                let slots = DispatchSemaphore(value: window)
                while now() < deadline {
                    slots.wait()
                    owner.lock()
                    let result = try! owned.log.append(records)
                    owned.log.whenDurable(result.lastOffset) { _ in
                        appended.add(records.count)
                        slots.signal()
                    }
                    owner.unlock()
                }
                // Wait for the last batches, then restore the count (libdispatch traps when a
                // semaphore is freed below its initial value).
                for _ in 0..<window { slots.wait() }
                for _ in 0..<window { slots.signal() }
                group.leave()
            }
        }
        group.wait()
        let elapsed = now() - start
        let batchBytes = RecordBatchV2.encodedSize(of: records)
        let batches = Double(appended.value) / Double(batchRecords)
        let logBytes = batches * Double(batchBytes)
        let batchesPerFsync = batches / Double(max(1, commits.value))
        try log.close()
        let writesPerSync = max(1, Int(batchesPerFsync.rounded()))
        let rawRate = try rawWrite(
            path: "\(directory)/raw", writeBytes: batchBytes, writesPerSync: writesPerSync, seconds: min(seconds, 10))
        let overlappedRate = rawOverlappedWrite(path: "\(directory)/raw2", writeBytes: batchBytes, seconds: min(seconds, 10))
        let logRate = logBytes / elapsed
        print(String(format: "log:  %.0f records/s, %.1f MB/s, %d-byte batches, %.1f batches per fsync, %d fsyncs in %.2f s",
                     Double(appended.value) / elapsed, logRate / 1e6, batchBytes, batchesPerFsync, commits.value, elapsed))
        print(String(format: "raw:  %.1f MB/s (pwrite %d bytes, fdatasync every %d writes)",
                     rawRate / 1e6, batchBytes, max(1, Int(batchesPerFsync.rounded()))))
        print(String(format: "raw overlapped: %.1f MB/s (one thread pwrites %d bytes, another fdatasyncs in a loop: %.1f writes per fsync)",
                     overlappedRate.rate / 1e6, batchBytes, overlappedRate.writesPerSync))
        print(String(format: "ratio log/raw: %.0f%%, log/raw overlapped: %.0f%%", 100 * logRate / rawRate,
                     100 * logRate / overlappedRate.rate))
        removeTree(directory)
    }

    /// Sequential pwrite of `writeBytes` chunks with an fdatasync every `writesPerSync` writes.
    func rawWrite(path: String, writeBytes: Int, writesPerSync: Int, seconds: Double) throws -> Double {
        let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0o644)
        precondition(fd >= 0)
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0x5A, count: writeBytes)
        var offset = 0
        let start = now()
        while now() - start < seconds {
            for _ in 0..<writesPerSync {
                let written = chunk.withUnsafeBytes { pwrite(fd, $0.baseAddress, writeBytes, off_t(offset)) }
                precondition(written == writeBytes)
                offset += writeBytes
            }
            fdatasync(fd)
        }
        return Double(offset) / (now() - start)
    }
}

/// Raw disk with the log's shape of group commit: a writer thread appends `writeBytes` chunks
/// with pwrite while a second thread runs fdatasync back to back.
func rawOverlappedWrite(path: String, writeBytes: Int, seconds: Double) -> (rate: Double, writesPerSync: Double) {
    let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0o644)
    precondition(fd >= 0)
    defer { close(fd) }
    let written = Counter()
    let syncs = Counter()
    let done = Counter()
    let start = now()
    Thread.detachNewThread {
        var lastSynced = -1
        while done.value == 0 {
            let target = written.value
            if target == lastSynced { continue }
            fdatasync(fd)
            syncs.add(1)
            lastSynced = target
        }
        done.add(1)
    }
    let chunk = [UInt8](repeating: 0x5A, count: writeBytes)
    var offset = 0
    while now() - start < seconds {
        let count = chunk.withUnsafeBytes { pwrite(fd, $0.baseAddress, writeBytes, off_t(offset)) }
        precondition(count == writeBytes)
        offset += writeBytes
        written.add(1)
    }
    fdatasync(fd)
    let elapsed = now() - start
    done.add(1)
    while done.value < 2 {}
    return (Double(offset) / elapsed, Double(written.value) / Double(max(1, syncs.value)))
}

/// A log handed to appender threads that only touch it while holding the owner lock.
final class OwnedLog: @unchecked Sendable {
    let log: PartitionLog
    init(_ log: PartitionLog) { self.log = log }
}

/// A thread-safe counter.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add(_ n: Int) { lock.withLock { count += n } }
    var value: Int { lock.withLock { count } }
}

/// Writes `totalBytes` of 1 KiB records (64 per batch) with the `never` policy.
func fillLog(_ directory: String, totalBytes: Int64, segmentBytes: Int) throws {
    var configuration = PartitionLog.Configuration()
    configuration.durability = .never
    configuration.segmentBytes = segmentBytes
    let log = try PartitionLog.open(directory: FilePath(directory), configuration: configuration)
    let value = ByteBuffer(repeating: 0x33, count: 1024)
    let records = (0..<64).map { LogRecord(value: value, timestamp: 1_700_000_000_000 + Int64($0)) }
    while log.sizeBytes < totalBytes { try log.append(records) }
    try log.close()
}

struct BenchRead: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-read", abstract: "Sequential read of cold segments against plain pread of the same files.")

    @Option(help: "Scratch directory (emptied).") var directory: String
    @Option(help: "Bytes of log to read.") var bytes: Int64 = 1 << 30
    @Option(help: "Bytes per read call.") var readBytes = 1 << 20
    @Option(help: "Drop the page cache before each pass (needs root).") var dropCache = true
    @Option(help: "Passes of each (log and pread alternate, as the disk's speed drifts).") var rounds = 3

    func run() throws {
        removeTree(directory)
        try fillLog(directory, totalBytes: bytes, segmentBytes: 64 << 20)
        var dropped = true
        var ratios: [Double] = []
        for round in 1...rounds {
            dropped = (dropCache && dropPageCache()) && dropped
            let logRate = try readLog()
            if dropCache { dropped = dropPageCache() && dropped }
            let rawRate = try readRaw()
            ratios.append(logRate / rawRate)
            print(String(format: "round %d: log read %.1f MB/s (CRC-32C checked), pread %.1f MB/s, ratio %.0f%%",
                         round, logRate / 1e6, rawRate / 1e6, 100 * logRate / rawRate))
        }
        print("page cache dropped before each pass: \(dropCache && dropped)")
        print(String(format: "median ratio log/pread: %.0f%%", 100 * ratios.sorted()[ratios.count / 2]))
        removeTree(directory)
    }

    private func readLog() throws -> Double {
        var configuration = PartitionLog.Configuration()
        configuration.tailCacheBytes = 0
        let log = try PartitionLog.open(directory: FilePath(directory), configuration: configuration)
        defer { try? log.close() }
        let start = now()
        var offset = log.logStartOffset
        var total = 0
        while offset < log.logEndOffset {
            let batches = try log.read(from: offset, maxBytes: readBytes)
            for batch in batches { total += batch.header.totalBytes }
            offset = batches.last!.lastOffset + 1
        }
        return Double(total) / (now() - start)
    }

    private func readRaw() throws -> Double {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".log") }.sorted()
        var buffer = [UInt8](repeating: 0, count: readBytes)
        var total = 0
        let start = now()
        for name in files {
            let fd = open("\(directory)/\(name)", O_RDONLY)
            var position = 0
            while true {
                let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, readBytes, off_t(position)) }
                if count <= 0 { break }
                position += count
            }
            total += position
            close(fd)
        }
        return Double(total) / (now() - start)
    }
}

struct BenchOpen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-open", abstract: "Time to open a large log after a clean shutdown and after a crash.")

    @Option(help: "Scratch directory (kept, so reruns skip the fill).") var directory: String
    @Option(help: "Total log bytes.") var bytes: Int64 = 10 << 30
    @Option(help: "Segment bytes.") var segmentBytes = 10 << 20

    func run() throws {
        if !FileManager.default.fileExists(atPath: "\(directory)/.clean-shutdown") {
            removeTree(directory)
            try fillLog(directory, totalBytes: bytes, segmentBytes: segmentBytes)
        }
        var configuration = PartitionLog.Configuration()
        configuration.segmentBytes = segmentBytes
        let dropped = dropPageCache()
        var start = now()
        var log = try PartitionLog.open(directory: FilePath(directory), configuration: configuration)
        let clean = now() - start
        let segments = log.segmentCount
        let size = log.sizeBytes
        // A crash: append (the open removed the clean-shutdown marker) and never close.
        try log.append([LogRecord(value: ByteBuffer(repeating: 1, count: 1024), timestamp: 0)])
        _ = log.waitUntilDurable(log.logEndOffset - 1, timeout: .seconds(10))
        _ = dropPageCache()
        start = now()
        log = try PartitionLog.open(directory: FilePath(directory), configuration: configuration)
        let crashed = now() - start
        try log.close()
        print("page cache dropped before each open: \(dropped)")
        print(String(format: "log: %d segments, %.2f GiB", segments, Double(size) / Double(1 << 30)))
        print(String(format: "open after clean shutdown: %.3f s", clean))
        print(String(format: "open after crash:          %.3f s", crashed))
    }
}
