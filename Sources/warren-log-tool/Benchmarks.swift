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

/// CPU seconds (user + system) used so far by every thread of this process.
func processCPUSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
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
    @Option(help: "Seconds to run each pass.") var seconds = 10.0
    @Option(help: "Rounds of {log, raw, raw overlapped} (alternated, as the disk's speed drifts).") var rounds = 1

    func run() throws {
        removeTree(directory)
        var recordRates: [Double] = []
        var ratios: [Double] = []
        var overlappedRatios: [Double] = []
        for round in 1...rounds {
            let log = try runLog()
            let writesPerSync = max(1, Int(log.batchesPerFsync.rounded()))
            let rawRate = try rawWrite(
                path: "\(directory)/raw", writeBytes: log.batchBytes, writesPerSync: writesPerSync, seconds: seconds)
            removeTree("\(directory)/raw")
            let overlapped = rawOverlappedWrite(
                path: "\(directory)/raw2", writeBytes: log.batchBytes, windowWrites: appenders * window, seconds: seconds)
            removeTree("\(directory)/raw2")
            if rounds > 1 { print("round \(round):") }
            print(String(format: "log:  %.0f records/s, %.1f MB/s, %d-byte batches, %.1f batches per fsync, %d fsyncs in %.2f s, %.1f us CPU per batch",
                         log.recordRate, log.byteRate / 1e6, log.batchBytes, log.batchesPerFsync, log.fsyncs, log.elapsed,
                         log.cpuPerBatch * 1e6))
            print(String(format: "raw:  %.1f MB/s (pwrite %d bytes, fdatasync every %d writes)",
                         rawRate / 1e6, log.batchBytes, writesPerSync))
            print(String(format: "raw overlapped: %.1f MB/s (one thread pwrites %d bytes, at most %d ahead of the last fdatasync; another fdatasyncs whatever is new: %.1f writes per fsync)",
                         overlapped.rate / 1e6, log.batchBytes, appenders * window, overlapped.writesPerSync))
            print(String(format: "ratio log/raw: %.0f%%, log/raw overlapped: %.0f%%", 100 * log.byteRate / rawRate,
                         100 * log.byteRate / overlapped.rate))
            recordRates.append(log.recordRate)
            ratios.append(log.byteRate / rawRate)
            overlappedRatios.append(log.byteRate / overlapped.rate)
        }
        if rounds > 1 {
            func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
            print(String(format: "median of %d rounds: %.0f records/s, log/raw %.0f%%, log/raw overlapped %.0f%%",
                         rounds, median(recordRates), 100 * median(ratios), 100 * median(overlappedRatios)))
        }
        removeTree(directory)
    }

    /// One pass of the appenders against a fresh log.
    private func runLog() throws -> (
        recordRate: Double, byteRate: Double, batchBytes: Int, batchesPerFsync: Double, fsyncs: Int, elapsed: Double,
        cpuPerBatch: Double
    ) {
        removeTree("\(directory)/log")
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
        let cpuStart = processCPUSeconds()
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
        let cpu = processCPUSeconds() - cpuStart
        try log.close()
        removeTree("\(directory)/log")
        let batchBytes = RecordBatchV2.encodedSize(of: records)
        let batches = Double(appended.value) / Double(batchRecords)
        return (Double(appended.value) / elapsed, batches * Double(batchBytes) / elapsed, batchBytes,
                batches / Double(max(1, commits.value)), commits.value, elapsed, cpu / max(1, batches))
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
/// with pwrite, never more than `windowWrites` past the last completed fdatasync (the appenders'
/// confirm windows), while a second thread runs fdatasync whenever something new was written.
/// The writes per fsync are whatever this pipeline settles on: an upper bound for the log.
func rawOverlappedWrite(path: String, writeBytes: Int, windowWrites: Int, seconds: Double)
    -> (rate: Double, writesPerSync: Double)
{
    let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0o644)
    precondition(fd >= 0)
    defer { close(fd) }
    final class State: @unchecked Sendable {
        let condition = NSCondition()
        var written = 0  // Writes done, guarded by `condition`.
        var synced = 0  // Writes covered by a completed fdatasync.
        var syncs = 0
        var done = false
        var stopped = false
    }
    let state = State()
    Thread.detachNewThread {
        state.condition.lock()
        while true {
            while state.written == state.synced && !state.done { state.condition.wait() }
            if state.written == state.synced && state.done { break }
            let target = state.written
            state.condition.unlock()
            fdatasync(fd)
            state.condition.lock()
            state.synced = target
            state.syncs += 1
            state.condition.broadcast()
        }
        state.stopped = true
        state.condition.broadcast()
        state.condition.unlock()
    }
    let chunk = [UInt8](repeating: 0x5A, count: writeBytes)
    var offset = 0
    var writes = 0
    let start = now()
    while now() - start < seconds {
        state.condition.lock()
        while writes - state.synced >= windowWrites { state.condition.wait() }
        state.condition.unlock()
        let count = chunk.withUnsafeBytes { pwrite(fd, $0.baseAddress, writeBytes, off_t(offset)) }
        precondition(count == writeBytes)
        offset += writeBytes
        writes += 1
        state.condition.lock()
        state.written = writes
        state.condition.broadcast()
        state.condition.unlock()
    }
    state.condition.lock()
    state.done = true
    state.condition.broadcast()
    while !state.stopped { state.condition.wait() }
    let syncs = state.syncs
    state.condition.unlock()
    let elapsed = now() - start
    return (Double(offset) / elapsed, Double(writes) / Double(max(1, syncs)))
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
        let log = try PartitionLog.open(directory: FilePath(directory), configuration: configuration)
        let clean = now() - start
        let segments = log.segmentCount
        let size = log.sizeBytes
        // A crash. The open removed the clean-shutdown marker; fill the active (tail) segment
        // to within one batch of a roll, so recovery has a whole segment to validate, let the
        // flusher make it durable, then tear a batch at its end as a crash mid-write would, and
        // open again without closing.
        let value = ByteBuffer(repeating: 0x44, count: 1024)
        let records = (0..<64).map { LogRecord(value: value, timestamp: 1_700_000_000_000 + Int64($0)) }
        let batchBytes = RecordBatchV2.encodedSize(of: records)
        let tailPath = try lastSegmentFile()
        let tailSize = try (FileManager.default.attributesOfItem(atPath: tailPath)[.size] as! NSNumber).intValue
        for _ in 0..<max(0, (segmentBytes - tailSize) / batchBytes) { try log.append(records) }
        precondition(log.segmentCount == segments, "the tail segment rolled")
        guard case .success = log.waitUntilDurable(log.logEndOffset - 1, timeout: .seconds(60)) else {
            throw ValidationError("the appends did not become durable")
        }
        let durableEnd = log.logEndOffset
        var torn = ByteBuffer()
        RecordBatchV2.encode(records, baseOffset: durableEnd, leaderEpoch: 0, into: &torn)
        let tornBytes = torn.readableBytes / 2
        let crashedTailSize = try (FileManager.default.attributesOfItem(atPath: tailPath)[.size] as! NSNumber).intValue
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: tailPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(torn.readableBytesView.prefix(tornBytes)))
        try handle.synchronize()
        try handle.close()
        precondition(!FileManager.default.fileExists(atPath: "\(directory)/.clean-shutdown"))
        _ = dropPageCache()
        start = now()
        let recovered = try PartitionLog.open(directory: FilePath(directory), configuration: configuration)
        let crashed = now() - start
        withExtendedLifetime(log) {}  // The crashed instance is dropped only now, unclosed.
        let recoveredEnd = recovered.logEndOffset
        try recovered.close()
        print("page cache dropped before each open: \(dropped)")
        print(String(format: "log: %d segments, %.2f GiB", segments, Double(size) / Double(1 << 30)))
        print(String(format: "open after clean shutdown: %.3f s", clean))
        print(String(format: "open after crash:          %.3f s (tail segment %d bytes + %d-byte torn batch; log end %lld, expected %lld)",
                     crashed, crashedTailSize, tornBytes, recoveredEnd, durableEnd))
        precondition(recoveredEnd == durableEnd, "recovery lost durable records or kept the torn batch")
    }

    /// Path of the segment file with the highest base offset.
    private func lastSegmentFile() throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".log") }
        return "\(directory)/\(names.max()!)"
    }
}
