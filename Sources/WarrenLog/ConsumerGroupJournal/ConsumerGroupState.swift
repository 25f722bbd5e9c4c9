// ConsumerGroupState.swift: the durable part of one consumer group's position in a partition.

/// What a consumer group has settled in one partition. In-flight deliveries (consumer, tag,
/// deadline) are not durable: after a restart they are redelivered, flagged `redelivered`.
public struct ConsumerGroupState: Sendable, Equatable {
    /// Every offset below this is settled.
    public private(set) var ackFloor: Int64
    /// The next offset to deliver.
    public var cursor: Int64
    /// Offsets at or above `ackFloor + 1` that are acked, as sorted, disjoint, non-adjacent ranges.
    public private(set) var ackedRanges: [ClosedRange<Int64>] = []
    /// Delivery counts of unsettled offsets that were delivered more than once (for
    /// `x-delivery-limit`).
    public private(set) var deliveryCounts: [Int64: UInt32] = [:]

    /// A new group starting at `startOffset`.
    public init(startOffset: Int64) {
        ackFloor = startOffset
        cursor = startOffset
    }

    init(ackFloor: Int64, cursor: Int64, ackedRanges: [ClosedRange<Int64>], deliveryCounts: [Int64: UInt32]) {
        self.ackFloor = ackFloor
        self.cursor = cursor
        self.ackedRanges = ackedRanges
        self.deliveryCounts = deliveryCounts
    }

    /// Whether `offset` is settled.
    public func isAcked(_ offset: Int64) -> Bool {
        offset < ackFloor || ackedRanges.contains { $0.contains(offset) }
    }

    /// Marks `range` acked, merging ranges and moving the floor over a prefix that is now
    /// contiguous.
    public mutating func ack(_ range: ClosedRange<Int64>) {
        guard range.upperBound >= ackFloor else { return }
        var merged = max(range.lowerBound, ackFloor)...range.upperBound
        var kept: [ClosedRange<Int64>] = []
        kept.reserveCapacity(ackedRanges.count + 1)
        for existing in ackedRanges {
            if existing.upperBound + 1 < merged.lowerBound || merged.upperBound + 1 < existing.lowerBound {
                kept.append(existing)
            } else {
                merged = min(existing.lowerBound, merged.lowerBound)...max(existing.upperBound, merged.upperBound)
            }
        }
        let index = kept.firstIndex { $0.lowerBound > merged.upperBound } ?? kept.count
        kept.insert(merged, at: index)
        if let first = kept.first, first.lowerBound == ackFloor {
            ackFloor = first.upperBound + 1
            kept.removeFirst()
        }
        ackedRanges = kept
        if !deliveryCounts.isEmpty {
            deliveryCounts = deliveryCounts.filter { !isAcked($0.key) }
        }
        cursor = max(cursor, ackFloor)
    }

    /// Records how many times `offset` has been delivered.
    public mutating func setDeliveryCount(_ count: UInt32, for offset: Int64) {
        guard !isAcked(offset) else { return }
        deliveryCounts[offset] = count
    }
}
