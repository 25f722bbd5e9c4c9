// OffsetRanges.swift: a set of log offsets kept as sorted, disjoint, non-adjacent ranges.

/// Offsets settled out of order above a group's ack floor. Acks mostly arrive in order, so
/// the set stays small: one range per gap.
public struct OffsetRanges: Equatable, Sendable {
    /// Sorted, disjoint and non-adjacent.
    public private(set) var ranges: [Range<UInt64>] = []

    public init() {}

    public var isEmpty: Bool { ranges.isEmpty }

    /// Number of offsets in the set.
    public var count: UInt64 { ranges.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) } }

    public func contains(_ offset: UInt64) -> Bool {
        guard let index = indexOfFirstRange(endingAfter: offset) else { return false }
        return ranges[index].contains(offset)
    }

    /// Inserts one offset, merging with neighbours.
    public mutating func insert(_ offset: UInt64) {
        insert(offset..<(offset + 1))
    }

    /// Inserts a range, merging with every range it touches.
    public mutating func insert(_ range: Range<UInt64>) {
        guard !range.isEmpty else { return }
        var lower = range.lowerBound
        var upper = range.upperBound
        // First range that ends at or after `lower` (it may touch or overlap).
        var start = ranges.count
        var low = 0
        var high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].upperBound < lower { low = mid + 1 } else { high = mid }
        }
        start = low
        var end = start
        while end < ranges.count && ranges[end].lowerBound <= upper {
            lower = min(lower, ranges[end].lowerBound)
            upper = max(upper, ranges[end].upperBound)
            end += 1
        }
        ranges.replaceSubrange(start..<end, with: [lower..<upper])
    }

    /// Removes every offset below `floor`.
    public mutating func removeAll(below floor: UInt64) {
        while let first = ranges.first, first.lowerBound < floor {
            if first.upperBound <= floor {
                ranges.removeFirst()
            } else {
                ranges[0] = floor..<first.upperBound
                break
            }
        }
    }

    /// If the lowest range starts at `floor`, removes it and returns its end: the new floor.
    public mutating func advance(floor: UInt64) -> UInt64 {
        guard let first = ranges.first, first.lowerBound == floor else { return floor }
        ranges.removeFirst()
        return first.upperBound
    }

    private func indexOfFirstRange(endingAfter offset: UInt64) -> Int? {
        var low = 0
        var high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].upperBound <= offset { low = mid + 1 } else { high = mid }
        }
        return low < ranges.count ? low : nil
    }
}
