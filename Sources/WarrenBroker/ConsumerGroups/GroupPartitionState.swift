// GroupPartitionState.swift: one consumer group's position in one partition, as a value.
import DequeModule

/// Identifies a consumer within a broker node.
public typealias ConsumerID = UInt64

/// A message handed to a consumer and not yet settled.
public struct InFlightDelivery: Equatable, Sendable {
    public var consumer: ConsumerID
    public var deliveryTag: UInt64
    /// How many times this offset has been delivered, this delivery included.
    public var deliveryCount: UInt32
    /// When the delivery times out (consumer timeout), in the broker clock's nanoseconds.
    public var deadline: UInt64?
}

/// The state of one consumer group in one partition:
/// - every offset below `ackFloor` is settled;
/// - `readCursor` is the next offset never delivered;
/// - between them, an offset is in flight, released (waiting for redelivery) or settled
///   out of order (`settledAboveFloor`).
/// Released offsets are delivered again before any new offset, lowest first, so a requeued
/// message comes back before newer ones, as in RabbitMQ.
public struct GroupPartitionState: Equatable, Sendable {
    public internal(set) var ackFloor: UInt64
    public internal(set) var readCursor: UInt64
    public internal(set) var inFlight: [UInt64: InFlightDelivery] = [:]
    /// Offsets released for redelivery, ascending.
    public internal(set) var released: Deque<UInt64> = []
    public internal(set) var settledAboveFloor = OffsetRanges()
    /// Deliveries so far of offsets that are released (kept so the count survives a requeue).
    var releasedDeliveryCounts: [UInt64: UInt32] = [:]

    /// A group that starts reading at `offset` (everything before it counts as settled).
    public init(startingAt offset: UInt64) {
        ackFloor = offset
        readCursor = offset
    }

    /// The next offset to deliver given the log's end: a released one first, else a new one.
    public func nextOffset(logEnd: UInt64) -> UInt64? {
        if let first = released.first { return first }
        return readCursor < logEnd ? readCursor : nil
    }

    /// Number of offsets in flight.
    public var unacknowledgedCount: Int { inFlight.count }

    /// Messages waiting to be delivered, given the log's end.
    public func readyCount(logEnd: UInt64) -> UInt64 {
        UInt64(released.count) + (logEnd > readCursor ? logEnd - readCursor : 0)
    }

    /// Marks `offset` (which must be `nextOffset`) delivered; returns its delivery count.
    @discardableResult
    public mutating func deliver(_ offset: UInt64, consumer: ConsumerID, deliveryTag: UInt64,
                                 deadline: UInt64? = nil) -> UInt32 {
        var count: UInt32 = 1
        if let first = released.first, first == offset {
            released.removeFirst()
            count = (releasedDeliveryCounts.removeValue(forKey: offset) ?? 0) + 1
        } else {
            precondition(offset == readCursor && released.isEmpty, "deliver out of order: \(offset)")
            readCursor += 1
        }
        inFlight[offset] = InFlightDelivery(consumer: consumer, deliveryTag: deliveryTag,
                                            deliveryCount: count, deadline: deadline)
        return count
    }

    /// Delivers and settles `offset` at once (a no-ack delivery) when that needs no
    /// bookkeeping: it is the read cursor, nothing was released for redelivery, and every
    /// offset below it is settled. Returns false, changing nothing, otherwise (then `deliver`
    /// and `settle` do it the long way).
    public mutating func deliverSettled(_ offset: UInt64) -> Bool {
        guard offset == readCursor, offset == ackFloor, released.isEmpty else { return false }
        readCursor += 1
        ackFloor = settledAboveFloor.advance(floor: offset + 1)
        return true
    }

    /// Hands an in-flight offset to another holder (dead-lettering keeps it until its copy is
    /// stored). False if not in flight.
    @discardableResult
    public mutating func reassign(_ offset: UInt64, to consumer: ConsumerID) -> Bool {
        guard inFlight[offset] != nil else { return false }
        inFlight[offset]!.consumer = consumer
        return true
    }

    /// Settles an in-flight offset (ack, or reject without requeue). False if not in flight.
    @discardableResult
    public mutating func settle(_ offset: UInt64) -> Bool {
        guard inFlight.removeValue(forKey: offset) != nil else { return false }
        if offset == ackFloor {
            ackFloor = settledAboveFloor.advance(floor: offset + 1)
            advanceFloorPastGaps()
        } else {
            settledAboveFloor.insert(offset)
        }
        return true
    }

    /// Returns an in-flight offset for redelivery (nack/reject with requeue, consumer gone).
    @discardableResult
    public mutating func release(_ offset: UInt64) -> Bool {
        guard let delivery = inFlight.removeValue(forKey: offset) else { return false }
        releasedDeliveryCounts[offset] = delivery.deliveryCount
        let index = released.firstIndex(where: { $0 > offset }) ?? released.endIndex
        released.insert(offset, at: index)
        return true
    }

    /// Releases every offset in flight to `consumer`, lowest first; returns them.
    @discardableResult
    public mutating func releaseAll(of consumer: ConsumerID) -> [UInt64] {
        let offsets = inFlight.filter { $0.value.consumer == consumer }.keys.sorted()
        for offset in offsets { release(offset) }
        return offsets
    }

    /// Settles every offset below `offset` that is not in flight or released (retention, purge).
    public mutating func skip(to offset: UInt64) {
        guard offset > readCursor else { return }
        readCursor = offset
        if inFlight.isEmpty && released.isEmpty {
            settledAboveFloor.removeAll(below: offset)
            ackFloor = max(ackFloor, offset)
            ackFloor = settledAboveFloor.advance(floor: ackFloor)
        }
    }

    /// The floor can only pass offsets that are settled; nothing else to do when the lowest
    /// unsettled offset is in flight or released.
    private mutating func advanceFloorPastGaps() {
        while true {
            let next = settledAboveFloor.advance(floor: ackFloor)
            if next == ackFloor { break }
            ackFloor = next
        }
    }
}
