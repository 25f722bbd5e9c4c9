// PartitionLog+Retention.swift: floors registered by consumer groups, and deleting segments
// that are past retention.

extension PartitionLog {
    /// Registers or moves the floor named `name` (one per consumer group: its ack floor, the
    /// first offset it has not settled). Under `.workQueue` retention no segment holding an
    /// offset at or above a floor is deleted.
    public func setFloor(_ name: String, to offset: Int64) {
        floors[name] = offset
    }

    /// Removes a floor (the consumer group was deleted).
    public func removeFloor(_ name: String) {
        floors[name] = nil
    }

    /// Replaces the retention policy (a policy changed a stream's limits); it takes effect at
    /// the next `applyRetention`.
    public func setRetention(_ retention: RetentionPolicy) {
        configuration.retention = retention
    }

    /// The registered floors.
    public var registeredFloors: [String: Int64] { floors }

    /// Deletes the oldest segments that the retention policy and the floors allow (see
    /// `RetentionPolicy`), oldest first, stopping at the first segment that must stay.
    /// Never deletes the active segment. Returns the number of segments deleted.
    @discardableResult
    public func applyRetention() throws -> Int {
        guard !isClosed else { throw LogError.closed }
        let policy = configuration.retention
        let now = clock.nowMilliseconds()
        let lowestFloor = floors.values.min() ?? .max
        var remainingBytes = sizeBytes
        var deleteBefore: Int64?
        for segment in segments.dropLast() {
            let overSize = policy.maxBytes.map { remainingBytes > $0 } ?? false
            let overAge = policy.maxAge.map { segment.maxTimestamp != .min && now - segment.maxTimestamp > $0.wholeMilliseconds } ?? false
            let pastRetention: Bool
            switch policy.mode {
            case .stream:
                pastRetention = overSize || overAge
            case .workQueue:
                // Unlimited and no group registered yet: keep everything for the first group,
                // as a RabbitMQ queue keeps messages published before anyone consumes.
                let unlimited = policy.maxBytes == nil && policy.maxAge == nil
                pastRetention =
                    ((unlimited && !floors.isEmpty) || overSize || overAge) && lowestFloor >= segment.nextOffset
            }
            guard pastRetention else { break }
            remainingBytes -= segment.size
            deleteBefore = segment.nextOffset
        }
        guard let deleteBefore else { return 0 }
        return try deleteSegments(before: deleteBefore)
    }
}
