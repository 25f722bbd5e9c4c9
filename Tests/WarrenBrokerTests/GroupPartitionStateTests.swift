import Testing
import WarrenBroker

@Suite struct GroupPartitionStateTests {
    @Test func deliversInOrderAndInOrderAcksMoveTheFloor() {
        var state = GroupPartitionState(startingAt: 0)
        for tag in 1...3 {
            let offset = state.nextOffset(logEnd: 3)!
            state.deliver(offset, consumer: 1, deliveryTag: UInt64(tag))
        }
        #expect(state.nextOffset(logEnd: 3) == nil)
        state.settle(0)
        state.settle(1)
        #expect(state.ackFloor == 2)
        state.settle(2)
        #expect(state.ackFloor == 3 && state.settledAboveFloor.isEmpty && state.inFlight.isEmpty)
    }

    @Test func outOfOrderAcksAreKeptAsRangesUntilTheGapCloses() {
        var state = GroupPartitionState(startingAt: 10)
        for offset in UInt64(10)..<15 { state.deliver(offset, consumer: 1, deliveryTag: offset) }
        state.settle(12)
        state.settle(13)
        state.settle(11)
        #expect(state.ackFloor == 10)
        #expect(state.settledAboveFloor.ranges == [11..<14])
        state.settle(10)
        #expect(state.ackFloor == 14)
        #expect(state.settledAboveFloor.isEmpty)
    }

    @Test func releasedOffsetsComeBackBeforeNewOnesLowestFirstWithTheirCount() {
        var state = GroupPartitionState(startingAt: 0)
        for offset in UInt64(0)..<4 { state.deliver(offset, consumer: 1, deliveryTag: offset + 1) }
        state.release(2)
        state.release(1)
        #expect(state.nextOffset(logEnd: 10) == 1)
        let countOf1 = state.deliver(1, consumer: 2, deliveryTag: 5)
        #expect(countOf1 == 2)
        #expect(state.nextOffset(logEnd: 10) == 2)
        let countOf2 = state.deliver(2, consumer: 2, deliveryTag: 6)
        #expect(countOf2 == 2)
        #expect(state.nextOffset(logEnd: 10) == 4)
    }

    @Test func consumerGoingAwayReleasesOnlyItsDeliveries() {
        var state = GroupPartitionState(startingAt: 0)
        state.deliver(0, consumer: 1, deliveryTag: 1)
        state.deliver(1, consumer: 2, deliveryTag: 1)
        state.deliver(2, consumer: 1, deliveryTag: 2)
        let releasedOffsets = state.releaseAll(of: 1)
        #expect(releasedOffsets == [0, 2])
        #expect(Array(state.released) == [0, 2])
        #expect(state.unacknowledgedCount == 1)
        #expect(state.readyCount(logEnd: 5) == 4)  // 0, 2 released + 3, 4 new
    }

    @Test func settlingSomethingNotInFlightIsRefused() {
        var state = GroupPartitionState(startingAt: 0)
        let beforeDelivery = state.settle(0)
        state.deliver(0, consumer: 1, deliveryTag: 1)
        let first = state.settle(0)
        let second = state.settle(0)
        let releaseAfter = state.release(0)
        #expect(!beforeDelivery && first && !second && !releaseAfter)
    }

    @Test func skipMovesAnIdleGroupPastRemovedOffsets() {
        var state = GroupPartitionState(startingAt: 0)
        state.skip(to: 100)
        #expect(state.ackFloor == 100 && state.readCursor == 100)
        #expect(state.nextOffset(logEnd: 101) == 100)
    }

    @Test func offsetRangesMergeNeighbours() {
        var ranges = OffsetRanges()
        ranges.insert(5)
        ranges.insert(7)
        #expect(ranges.ranges == [5..<6, 7..<8])
        ranges.insert(6)
        #expect(ranges.ranges == [5..<8])
        ranges.insert(1..<3)
        ranges.insert(2..<6)
        #expect(ranges.ranges == [1..<8])
        #expect(ranges.contains(7) && !ranges.contains(8) && !ranges.contains(0))
        ranges.removeAll(below: 4)
        #expect(ranges.ranges == [4..<8] && ranges.count == 4)
    }
}
