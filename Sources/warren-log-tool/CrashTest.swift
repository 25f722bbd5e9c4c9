// CrashTest.swift: the two halves of scripts/log-crash-test.sh. `crash-append` appends with the
// `always` policy and prints every offset the log reports durable; the script kills it with
// SIGKILL; `crash-verify` reopens the log and checks every offset reported durable is present
// and byte-identical to what was appended.

import ArgumentParser
import Foundation
import NIOCore
import SystemPackage
import WarrenLog

/// The record the crash test writes at `offset`: content derives from the offset alone, so the
/// verifier knows the exact bytes without a copy.
func crashRecord(offset: Int64, valueBytes: Int) -> LogRecord {
    var value = ByteBuffer()
    value.reserveCapacity(valueBytes)
    var state = UInt64(bitPattern: offset) &* 0x9E37_79B9_7F4A_7C15 | 1
    while value.readableBytes < valueBytes {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        value.writeInteger(UInt8(truncatingIfNeeded: state))
    }
    return LogRecord(
        key: ByteBuffer(string: "key-\(offset)"), value: value,
        headers: [.init(name: "offset", value: ByteBuffer(string: String(offset)))],
        timestamp: 1_700_000_000_000 + offset)
}

struct CrashAppend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash-append", abstract: "Append until killed; print `durable <offset>` lines.")

    @Option(help: "Log directory.") var directory: String
    @Option(help: "Value bytes per record.") var valueBytes = 200
    @Option(help: "Largest number of records per batch (each batch takes 1...this many).") var maxBatch = 16
    @Option(help: "Segment size in bytes (small, so kills also land near rolls).") var segmentBytes = 1 << 20

    func run() throws {
        var configuration = PartitionLog.Configuration()
        configuration.durability = .always
        configuration.segmentBytes = segmentBytes
        let log = try PartitionLog.open(directory: FilePath(directory), configuration: configuration)
        let output = FileHandle.standardOutput
        log.setDurabilityListener { highWatermark in
            // One write per line: a kill can only cut the last line, which the script ignores.
            output.write(Data("durable \(highWatermark)\n".utf8))
        }
        var generator = SystemRandomNumberGenerator()
        while true {
            let count = Int.random(in: 1...maxBatch, using: &generator)
            let base = log.logEndOffset
            let records = (0..<count).map { crashRecord(offset: base + Int64($0), valueBytes: valueBytes) }
            let appended = try log.append(records)
            precondition(appended.baseOffset == base)
            // Keep a bounded amount of undurable data, as publishers waiting for confirms do.
            if log.logEndOffset - log.highWatermark > 2000 {
                _ = log.waitUntilDurable(log.logEndOffset - 1000, timeout: .seconds(30))
            }
        }
    }
}

struct CrashVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash-verify", abstract: "Check offsets 0..<durable are present and byte-identical.")

    @Option(help: "Log directory.") var directory: String
    @Option(help: "Offsets below this were reported durable before the kill.") var durable: Int64
    @Option(help: "Value bytes per record.") var valueBytes = 200
    @Option(help: "Segment size in bytes.") var segmentBytes = 1 << 20

    func run() throws {
        var configuration = PartitionLog.Configuration()
        configuration.segmentBytes = segmentBytes
        let log = try PartitionLog.open(directory: FilePath(directory), configuration: configuration)
        defer { try? log.close() }
        var lost: Int64 = max(0, durable - log.logEndOffset)
        var corrupt: Int64 = 0
        var next: Int64 = 0
        var checked: Int64 = 0
        while next < min(durable, log.logEndOffset) {
            let records: [StoredRecord]
            do {
                records = try log.readRecords(from: next, maxBytes: 1 << 20)
            } catch {
                print("read at \(next) failed: \(error)")
                corrupt += 1
                next += 1
                continue
            }
            for record in records where record.offset < durable {
                if record.offset != next { lost += record.offset - next }
                if record.record != crashRecord(offset: record.offset, valueBytes: valueBytes) { corrupt += 1 }
                checked += 1
                next = record.offset + 1
            }
            if records.isEmpty { break }
        }
        print("verify: durable \(durable), log end \(log.logEndOffset), checked \(checked), lost \(lost), corrupt \(corrupt)")
        if lost > 0 || corrupt > 0 { throw ExitCode(1) }
    }
}
