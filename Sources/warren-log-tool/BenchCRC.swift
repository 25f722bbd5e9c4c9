// BenchCRC.swift: CRC-32C throughput (the CPU instruction in three streams where there is one,
// else slicing-by-8), to compare with the disk's bandwidth.

import ArgumentParser
import Foundation
import WarrenLog

struct BenchCRC: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-crc", abstract: "CRC-32C throughput.")

    @Option(help: "Bytes per checksum call.") var chunkBytes = 64 << 10
    @Option(help: "Total bytes to checksum.") var totalBytes = 2 << 30

    func run() {
        let chunk = (0..<chunkBytes).map { UInt8(truncatingIfNeeded: $0 &* 131) }
        var crc: UInt32 = 0
        let start = now()
        var done = 0
        while done < totalBytes {
            crc = chunk.withUnsafeBytes { CRC32C.checksum($0, continuing: crc) }
            done += chunkBytes
        }
        let elapsed = now() - start
        print("CPU instruction: \(CRC32C.usesHardware)")
        print(String(format: "CRC-32C: %.2f GB/s over %ld bytes in %ld-byte calls (crc %08x)",
                     Double(done) / elapsed / 1e9, done, chunkBytes, crc))
    }
}
