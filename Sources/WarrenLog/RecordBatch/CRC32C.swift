// CRC32C.swift: CRC-32C (Castagnoli), the checksum of Kafka RecordBatch v2 and of Warren's journals.

import CWarrenCRC32C

/// CRC-32C (Castagnoli, reflected polynomial `0x82F63B78`).
///
/// Uses the CPU's CRC32 instruction when it has one (SSE 4.2 on x86-64, the CRC extension on
/// ARMv8; C target `CWarrenCRC32C`, three interleaved streams), else slicing-by-8 tables (eight
/// bytes per step with eight table look-ups). Both give the same results; the tests compare them.
public enum CRC32C {
    /// Whether `checksum` uses the CPU instruction.
    public static let usesHardware = warren_crc32c_hardware_available() != 0

    /// Eight 256-entry tables; table `k` gives the CRC of a byte followed by `k` zero bytes.
    static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1
            }
            tables[byte] = crc
        }
        for byte in 0..<256 {
            var crc = tables[byte]
            for slice in 1..<8 {
                crc = tables[Int(crc & 0xFF)] ^ (crc >> 8)
                tables[slice * 256 + byte] = crc
            }
        }
        return tables
    }()

    /// Returns the CRC-32C of `bytes`, continuing from `crc` (pass the previous result to
    /// checksum data in pieces; the default starts a new checksum).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        if usesHardware {
            return warren_crc32c_hardware(crc, bytes.baseAddress, bytes.count)
        }
        return software(bytes, continuing: crc)
    }

    /// The slicing-by-8 implementation, used when the CPU has no CRC-32C instruction.
    static func software(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        tables.withUnsafeBufferPointer { table in
            var crc = ~crc
            var index = 0
            let count = bytes.count
            guard let base = bytes.baseAddress else { return ~crc }
            while count - index >= 8 {
                let low = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt32.self)) ^ crc
                let high = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self))
                crc = table[7 * 256 + Int(low & 0xFF)]
                    ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)]
                    ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xFF)]
                    ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ table[1 * 256 + Int((high >> 16) & 0xFF)]
                    ^ table[Int(high >> 24)]
                index += 8
            }
            while index < count {
                crc = table[Int((crc ^ UInt32(base.load(fromByteOffset: index, as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
            return ~crc
        }
    }

    /// Returns the CRC-32C of a byte array.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
