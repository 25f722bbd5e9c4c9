// LatencyHistogram.swift: end-to-end latencies in log-linear buckets (about 3% wide), so
// percentiles cost no allocation per message and any range from 1 µs to minutes fits.

struct LatencyHistogram {
    /// 32 sub-buckets per power of two of nanoseconds.
    private static let subBuckets = 32
    private var counts = [UInt64](repeating: 0, count: 64 * 32)
    private(set) var count: UInt64 = 0
    private(set) var maxNanoseconds: UInt64 = 0

    mutating func record(nanoseconds value: UInt64) {
        counts[Self.index(value)] += 1
        count += 1
        maxNanoseconds = max(maxNanoseconds, value)
    }

    mutating func add(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        count += other.count
        maxNanoseconds = max(maxNanoseconds, other.maxNanoseconds)
    }

    /// The latency at `percentile` (0...100), in nanoseconds; 0 when empty.
    func percentile(_ percentile: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = UInt64((percentile / 100 * Double(count)).rounded(.up))
        var seen: UInt64 = 0
        for (index, bucketCount) in counts.enumerated() where bucketCount > 0 {
            seen += bucketCount
            if seen >= max(rank, 1) { return min(Self.upperBound(index), maxNanoseconds) }
        }
        return maxNanoseconds
    }

    private static func index(_ value: UInt64) -> Int {
        guard value >= UInt64(subBuckets) else { return Int(value) }
        let power = 63 - value.leadingZeroBitCount  // >= 5
        let shift = power - 5
        let sub = Int((value >> UInt64(shift)) & UInt64(subBuckets - 1))
        return (power - 4) * subBuckets + sub
    }

    private static func upperBound(_ index: Int) -> UInt64 {
        guard index >= subBuckets else { return UInt64(index) }
        let power = index / subBuckets + 4
        let sub = UInt64(index % subBuckets)
        let shift = UInt64(power - 5)
        return ((UInt64(subBuckets) | sub) + 1) << shift - 1
    }
}
