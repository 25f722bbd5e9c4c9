// Segment+Scan.swift: walking a segment's batches to validate them (recovery, index rebuild).

import NIOCore

/// Where one batch sits in a segment.
struct ScannedBatch: Sendable {
    var position: Int64
    var baseOffset: Int64
    var nextOffset: Int64
    var maxTimestamp: Int64
}

/// The result of scanning a segment: the batches that validated, and where validation stopped.
struct SegmentScan: Sendable {
    var batches: [ScannedBatch] = []
    /// Byte position after the last valid batch.
    var validEnd: Int64
    /// Offset after the last valid batch.
    var nextOffset: Int64
    /// Largest timestamp of the valid batches (`Int64.min` if none).
    var maxTimestamp: Int64 = .min
    /// Why the scan stopped before `limit`: a torn batch at the end, a CRC mismatch, a
    /// malformed header or an offset out of order. Nil when every byte up to `limit` validated.
    var problem: LogError?
}

extension Segment {
    /// Validates batches from byte `position` up to `limit` (length, magic, CRC-32C, and offsets
    /// contiguous from `expectedOffset`). I/O errors are thrown; bad data ends the scan and is
    /// reported in `problem`.
    func scan(from position: Int64, expectedOffset: Int64, limit: Int64) throws -> SegmentScan {
        try openFile()
        try waitUntilWritten(upTo: limit)
        var result = SegmentScan(validEnd: position, nextOffset: expectedOffset)
        var chunk = ByteBuffer()
        while result.validEnd < limit {
            let needed: Int
            if chunk.readableBytes < RecordBatchV2.headerBytes {
                needed = RecordBatchV2.headerBytes
            } else if let header = (try? RecordBatchV2.peekHeader(chunk, at: chunk.readerIndex)) ?? nil {
                needed = header.totalBytes
            } else {
                needed = 0  // Malformed: decodeBatch below reports why.
            }
            if chunk.readableBytes < needed {
                let count = Int(min(Int64(max(LogLimits.recoveryReadBytes, needed)), limit - result.validEnd))
                chunk = try file!.readFully(count: count, at: result.validEnd)
                if chunk.readableBytes == 0 { break }
            }
            do {
                guard let batch = try RecordBatchV2.decodeBatch(from: &chunk) else {
                    result.problem = .malformedBatch(baseOffset: nil, reason: "torn batch at position \(result.validEnd)")
                    break
                }
                guard batch.baseOffset == result.nextOffset else {
                    result.problem = .malformedBatch(
                        baseOffset: batch.baseOffset, reason: "expected offset \(result.nextOffset)")
                    break
                }
                result.batches.append(
                    ScannedBatch(
                        position: result.validEnd, baseOffset: batch.baseOffset,
                        nextOffset: batch.header.nextOffset, maxTimestamp: batch.header.maxTimestamp))
                result.validEnd += Int64(batch.header.totalBytes)
                result.nextOffset = batch.header.nextOffset
                result.maxTimestamp = max(result.maxTimestamp, batch.header.maxTimestamp)
            } catch let error as LogError {
                result.problem = error
                break
            }
        }
        if result.problem == nil && result.validEnd < limit {
            result.problem = .malformedBatch(baseOffset: nil, reason: "file ends before position \(limit)")
        }
        return result
    }
}
