// GroupPartitionState+Restore.swift: rebuilding a group's state after a restart, and purge.

import DequeModule
extension GroupPartitionState {
    /// Rebuilds state from what the journal kept: the ack floor, offsets acked above it and
    /// the read cursor. Offsets between the floor and the cursor that were not acked may have
    /// been delivered before the restart: they come first again, flagged as redeliveries.
    public init(ackFloor: UInt64, acked: [ClosedRange<UInt64>], cursor: UInt64) {
        self.init(startingAt: ackFloor)
        for range in acked { settledAboveFloor.insert(range.lowerBound..<(range.upperBound + 1)) }
        self.ackFloor = settledAboveFloor.advance(floor: ackFloor)
        var offset = self.ackFloor
        while offset < cursor {
            if !settledAboveFloor.contains(offset) {
                released.append(offset)
                releasedDeliveryCounts[offset] = 1
            }
            offset += 1
        }
        readCursor = max(cursor, self.ackFloor)
    }

    /// Settles every message waiting for delivery (released or never delivered), leaving those
    /// in flight alone; returns how many were settled (queue.purge).
    public mutating func purgeReady(logEnd: UInt64) -> UInt64 {
        var purged = UInt64(released.count)
        for offset in released { settledAboveFloor.insert(offset) }
        released.removeAll()
        releasedDeliveryCounts.removeAll()
        if logEnd > readCursor {
            purged += logEnd - readCursor
            settledAboveFloor.insert(readCursor..<logEnd)
            readCursor = logEnd
        }
        ackFloor = settledAboveFloor.advance(floor: ackFloor)
        return purged
    }
}
