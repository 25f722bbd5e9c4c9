// CodecTests.swift: CRC-32C, varints and the RecordBatch v2 codec.

import NIOCore
import Testing
@testable import WarrenLog

@Suite struct CRC32CTests {
    @Test func knownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        // RFC 3720 (iSCSI) appendix B.4 vectors.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
    }

    @Test func hardwareAndSoftwareAgree() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 7, 8, 9, 63, 64, 65, 1000, 4096 + 3] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            bytes.withUnsafeBytes { pointer in
                #expect(CRC32C.checksum(pointer) == CRC32C.software(pointer))
                #expect(CRC32C.checksum(pointer, continuing: 0x1234_5678) == CRC32C.software(pointer, continuing: 0x1234_5678))
            }
        }
    }

    /// The hardware path checksums blocks of 3 x 8192 and 3 x 256 bytes in three streams and
    /// combines them: check lengths around those steps, from unaligned starts.
    @Test func interleavedBlocksAgreeWithSoftware() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(3 * 8192 * 3 + 64)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let lengths = [767, 768, 769, 3 * 768, 24_575, 24_576, 24_577, 24_576 + 768 + 9, 2 * 24_576 + 1, 66_173]
        bytes.withUnsafeBytes { all in
            for start in [0, 1, 3, 7] {
                for length in lengths {
                    let slice = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                    #expect(CRC32C.checksum(slice) == CRC32C.software(slice), "start \(start), length \(length)")
                    #expect(CRC32C.checksum(slice, continuing: 0xDEAD_BEEF) == CRC32C.software(slice, continuing: 0xDEAD_BEEF))
                }
            }
        }
    }

    @Test func incrementalEqualsWhole() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for split in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let first = CRC32C.checksum(Array(bytes[..<split]))
            let whole = Array(bytes[split...]).withUnsafeBytes { CRC32C.checksum($0, continuing: first) }
            #expect(whole == CRC32C.checksum(bytes))
        }
    }
}

@Suite struct VarintTests {
    static let encodings: [(Int64, [UInt8])] = [
        (0, [0x00]), (-1, [0x01]), (1, [0x02]), (63, [0x7E]), (-64, [0x7F]), (64, [0x80, 0x01]), (300, [0xD8, 0x04]),
    ]

    @Test(arguments: Self.encodings)
    func knownEncodings(value: Int64, bytes: [UInt8]) {
        var buffer = ByteBuffer()
        buffer.writeVarint(value)
        #expect(Array(buffer.readableBytesView) == bytes)
        #expect(Varint.size(value) == bytes.count)
        #expect(buffer.readVarint() == value)
    }

    @Test func roundTripsExtremes() {
        for value in [Int64.min, .max, Int64(Int32.min), Int64(Int32.max), -12345678901] {
            var buffer = ByteBuffer()
            let written = buffer.writeVarint(value)
            #expect(written == Varint.size(value))
            #expect(buffer.readVarint() == value)
        }
    }

    @Test func truncatedVarintReadsNothing() {
        var buffer = ByteBuffer(bytes: [0x80, 0x80])
        #expect(buffer.readVarint() == nil)
        #expect(buffer.readerIndex == 0)
    }
}

@Suite struct RecordBatchTests {
    static let records: [LogRecord] = [
        LogRecord(key: nil, value: ByteBuffer(string: "hello"), headers: [], timestamp: 1_700_000_000_000),
        LogRecord(
            key: ByteBuffer(string: "k"), value: ByteBuffer(string: "world"),
            headers: [.init(name: "x-exchange", value: ByteBuffer(string: "amq.direct")),
                      .init(name: "x-exchange", value: ByteBuffer())],
            timestamp: 1_699_999_999_000),
        LogRecord(value: ByteBuffer(), timestamp: 1_700_000_005_000),
    ]

    @Test func roundTrip() throws {
        var buffer = ByteBuffer()
        let header = RecordBatchV2.encode(Self.records, baseOffset: 42, leaderEpoch: 7, into: &buffer)
        #expect(buffer.readableBytes == RecordBatchV2.encodedSize(of: Self.records))
        #expect(header.totalBytes == buffer.readableBytes)
        let batch = try #require(try RecordBatchV2.decodeBatch(from: &buffer))
        #expect(buffer.readableBytes == 0)
        #expect(batch.header == header)
        #expect(batch.header.partitionLeaderEpoch == 7)
        #expect(batch.header.lastOffset == 44)
        #expect(batch.header.maxTimestamp == 1_700_000_005_000)
        let decoded = try batch.records()
        #expect(decoded.map(\.offset) == [42, 43, 44])
        #expect(decoded.map(\.record) == Self.records)
    }

    @Test func viewsReadTheSameRecordsInPlace() throws {
        var buffer = ByteBuffer()
        RecordBatchV2.encode(Self.records, baseOffset: 42, leaderEpoch: 0, into: &buffer)
        let batch = try #require(try RecordBatchV2.decodeBatch(from: &buffer))
        var views: [RecordView] = []
        try batch.forEachRecordView { views.append($0) }
        #expect(views.map(\.offset) == [42, 43, 44])
        #expect(views.map(\.timestamp) == Self.records.map(\.timestamp))
        #expect(views.map(\.key) == Self.records.map(\.key))
        #expect(views.map(\.value) == Self.records.map(\.value))
        #expect(views.map { $0.headers.count } == Self.records.map(\.headers.count))
        for (view, record) in zip(views, Self.records) {
            #expect(view.headers.map { String(buffer: $0.name) } == record.headers.map(\.name))
            #expect(view.headers.map(\.value) == record.headers.map(\.value))
            #expect(StoredRecord(view).record == record)
        }
    }

    /// A record whose header name runs past the record (with a CRC that matches, as a buggy
    /// writer would make it) is refused with the reason, not read.
    @Test func aHeaderNamePastItsRecordIsMalformed() throws {
        let record = LogRecord(value: ByteBuffer(string: "v"), headers: [.init(name: "x", value: ByteBuffer(string: "abc"))],
                               timestamp: 0)
        var buffer = ByteBuffer()
        RecordBatchV2.encode([record], baseOffset: 0, leaderEpoch: 0, into: &buffer)
        var bytes = Array(buffer.readableBytesView)
        // After the 61-byte batch header: length, attributes, timestamp and offset deltas, key
        // (null), value length, "v", header count, then the name's length.
        let nameLength = RecordBatchV2.headerBytes + 8
        #expect(bytes[nameLength] == 0x02 && bytes[nameLength + 1] == UInt8(ascii: "x"))
        bytes[nameLength] = 0x7E  // 63 bytes: past the end of the record.
        let crc = CRC32C.checksum(Array(bytes[21...]))
        bytes.replaceSubrange(17..<21, with: [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)])
        var input = ByteBuffer(bytes: bytes)
        let batch = try #require(try RecordBatchV2.decodeBatch(from: &input))
        #expect {
            try batch.forEachRecordView { _ in }
        } throws: { error in
            if case LogError.malformedBatch(_, reason: "header name") = error { return true }
            return false
        }
    }

    @Test func everyFlippedBitIsCaught() throws {
        var buffer = ByteBuffer()
        RecordBatchV2.encode(Self.records, baseOffset: 0, leaderEpoch: 0, into: &buffer)
        let bytes = Array(buffer.readableBytesView)
        for byte in 0..<bytes.count {
            var corrupt = bytes
            corrupt[byte] ^= 0x10
            var input = ByteBuffer(bytes: corrupt)
            // baseOffset and partitionLeaderEpoch lie outside the CRC by Kafka's design (a
            // leader rewrites them); the log's offset checks catch a bad base offset. Every
            // other flip must throw, never return records.
            if byte < 8 || (12..<16).contains(byte) { continue }
            #expect(throws: LogError.self) {
                guard let batch = try RecordBatchV2.decodeBatch(from: &input) else {
                    throw LogError.malformedBatch(baseOffset: nil, reason: "incomplete")
                }
                _ = batch
            }
        }
    }

    @Test func incompleteBatchConsumesNothing() throws {
        var buffer = ByteBuffer()
        RecordBatchV2.encode(Self.records, baseOffset: 0, leaderEpoch: 0, into: &buffer)
        var partial = buffer.getSlice(at: 0, length: buffer.readableBytes - 1)!
        #expect(try RecordBatchV2.decodeBatch(from: &partial) == nil)
        #expect(partial.readerIndex == 0)
    }

    @Test func crcMismatchIsTyped() throws {
        var buffer = ByteBuffer()
        RecordBatchV2.encode(Self.records, baseOffset: 5, leaderEpoch: 0, into: &buffer)
        let last = buffer.writerIndex - 1
        buffer.setInteger(buffer.getInteger(at: last, as: UInt8.self)! ^ 1, at: last)
        #expect {
            try RecordBatchV2.decodeBatch(from: &buffer)
        } throws: { error in
            if case LogError.crcMismatch(baseOffset: 5, _, _) = error { return true }
            return false
        }
    }
}
