// PartitionLog+Read.swift: reading batches by offset and finding offsets by timestamp.

import DequeModule
import NIOCore

extension PartitionLog {
    /// Reads whole batches starting with the one that holds `offset`, until `maxBytes` or
    /// `maxRecords` (records at or after `offset`) is reached. The first batch is returned even
    /// if it alone exceeds `maxBytes`, so a reader always makes progress. Recent batches come
    /// from the tail cache; older ones are read from the segment files and their CRC-32C checked
    /// (a mismatch throws `LogError.crcMismatch`, never returns the bytes).
    public func read(
        from offset: Int64, maxBytes: Int, maxRecords: Int = .max, isolation: ReadIsolation = .logEnd
    ) throws -> [RecordBatch] {
        guard !isClosed else { throw LogError.closed }
        guard offset >= logStartOffset, offset <= logEndOffset else {
            throw LogError.offsetOutOfRange(requested: offset, logStart: logStartOffset, logEnd: logEndOffset)
        }
        let end = isolation == .durable ? min(highWatermark, logEndOffset) : logEndOffset
        var result: [RecordBatch] = []
        var bytes = 0
        var records = 0
        var next = offset
        var done = false
        func take(_ batch: RecordBatch) -> Bool {
            guard batch.lastOffset < end, bytes == 0 || bytes + batch.header.totalBytes <= maxBytes else {
                done = true
                return false
            }
            result.append(batch)
            bytes += batch.header.totalBytes
            records += Int(batch.lastOffset - max(batch.baseOffset, next)) + 1
            next = batch.lastOffset + 1
            done = bytes >= maxBytes || records >= maxRecords || next >= end
            return !done
        }
        while !done && next < end {
            if var index = tailCache.index(of: next) {
                while index < tailCache.batches.count, take(tailCache.batches[index]) { index += 1 }
                break
            }
            // Read ahead as much as the caller may take (bounded), so a large read is a few
            // large preads, not many small ones.
            let chunkBytes = min(max(maxBytes - bytes, 64 << 10), 8 << 20) + configuration.indexIntervalBytes
            guard try readFromSegment(from: next, chunkBytes: chunkBytes, accept: take) else { break }
        }
        return result
    }

    /// Reads the records at and after `offset` (see `read(from:maxBytes:maxRecords:isolation:)`),
    /// dropping the records before `offset` that share its first batch.
    public func readRecords(
        from offset: Int64, maxBytes: Int, maxRecords: Int = .max, isolation: ReadIsolation = .logEnd
    ) throws -> [StoredRecord] {
        var result: [StoredRecord] = []
        try forEachRecord(from: offset, maxBytes: maxBytes, maxRecords: maxRecords, isolation: isolation) {
            result.append(StoredRecord($0))
        }
        return result
    }

    /// Calls `body` with the records `readRecords` would return, read in place: nothing is
    /// allocated per record (see `RecordView`).
    public func forEachRecord(
        from offset: Int64, maxBytes: Int, maxRecords: Int = .max, isolation: ReadIsolation = .logEnd,
        _ body: (RecordView) throws -> Void
    ) throws {
        var taken = 0
        for batch in try read(from: offset, maxBytes: maxBytes, maxRecords: maxRecords, isolation: isolation) {
            try batch.forEachRecordView { record in
                guard record.offset >= offset && taken < maxRecords else { return }
                taken += 1
                try body(record)
            }
        }
    }

    /// Walks the batches of the segment holding `offset`, from the batch holding it, calling
    /// `accept` until it returns false or the segment ends. Returns whether any batch was taken.
    private func readFromSegment(
        from offset: Int64, chunkBytes: Int, accept: (RecordBatch) -> Bool
    ) throws -> Bool {
        let segment = try segmentHolding(offset)
        var position = try segment.startPosition(for: offset)
        // Reuse one read buffer: once the caller has dropped the batches of the previous read
        // its memory is free again, so sequential reads neither allocate nor fault in pages.
        var chunk = readBuffer
        readBuffer = ByteBuffer()
        defer { readBuffer = chunk }
        chunk.moveReaderIndex(to: chunk.writerIndex)  // Nothing left from the previous read counts.
        var progressed = false
        while position < segment.size {
            let needed =
                chunk.readableBytes < RecordBatchV2.headerBytes
                ? RecordBatchV2.headerBytes
                : try RecordBatchV2.peekHeader(chunk, at: chunk.readerIndex)?.totalBytes ?? 0
            if needed > chunk.readableBytes {
                try segment.read(at: position, count: max(chunkBytes, needed), into: &chunk)
                // The header just read may announce a batch longer than the chunk.
                if let header = try RecordBatchV2.peekHeader(chunk, at: chunk.readerIndex),
                    header.totalBytes > chunk.readableBytes
                {
                    try segment.read(at: position, count: header.totalBytes, into: &chunk)
                }
            }
            guard let batch = try RecordBatchV2.decodeBatch(from: &chunk) else {
                throw LogError.malformedBatch(baseOffset: nil, reason: "batch cut short at position \(position)")
            }
            position += Int64(batch.header.totalBytes)
            if batch.lastOffset < offset { continue }
            guard accept(batch) else { return true }
            progressed = true
        }
        return progressed
    }

    /// The segment whose offsets include `offset`, with its file open (LRU-bounded).
    func segmentHolding(_ offset: Int64) throws -> Segment {
        var low = 0
        var high = segments.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if segments[mid].baseOffset <= offset { low = mid } else { high = mid - 1 }
        }
        let segment = segments[low]
        if segment !== activeSegment, try segment.openFile() { noteOpenReadFile(segment) }
        return segment
    }

    /// Records that an inactive segment's file is open, closing the least recently opened ones
    /// beyond `openSegmentFilesMax`.
    func noteOpenReadFile(_ segment: Segment) {
        openReadFiles.removeAll { $0 == segment.baseOffset }
        openReadFiles.append(segment.baseOffset)
        while openReadFiles.count > max(1, configuration.openSegmentFilesMax) {
            let base = openReadFiles.removeFirst()
            if let victim = segments.first(where: { $0.baseOffset == base }), victim !== activeSegment {
                victim.closeFile()
                victim.dropIndexes()
            }
        }
    }

    /// The first offset whose record has a timestamp at or after `timestamp`, or nil when every
    /// record is older.
    public func offset(forTimestamp timestamp: Int64) throws -> Int64? {
        guard !isClosed else { throw LogError.closed }
        for segment in segments where segment.maxTimestamp >= timestamp {
            if segment !== activeSegment, try segment.openFile() { noteOpenReadFile(segment) }
            var position = try segment.startPosition(forTimestamp: timestamp)
            while position < segment.size {
                var chunk = try segment.read(at: position, count: RecordBatchV2.headerBytes)
                guard let header = try RecordBatchV2.peekHeader(chunk, at: 0) else { break }
                if header.maxTimestamp >= timestamp {
                    chunk = try segment.read(at: position, count: header.totalBytes)
                    guard let batch = try RecordBatchV2.decodeBatch(from: &chunk) else { break }
                    for record in try batch.records() where record.record.timestamp >= timestamp {
                        return record.offset
                    }
                }
                position += Int64(header.totalBytes)
            }
        }
        return nil
    }
}
