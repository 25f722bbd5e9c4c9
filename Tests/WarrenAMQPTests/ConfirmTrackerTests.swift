import Testing
@testable import WarrenAMQP

/// Publisher confirms leave in sequence order, runs of successes coalesced into one
/// `basic.ack multiple`, failures as single `basic.nack`s.
@Suite struct ConfirmTrackerTests {
    @Test func aRunOfSuccessesBecomesOneMultipleAck() {
        var tracker = ConfirmTracker()
        for sequence in 1...5 { tracker.published(UInt64(sequence)) }
        for sequence in 1...5 { tracker.completed(UInt64(sequence), stored: true) }
        #expect(tracker.takeReady() == [.ack(tag: 5, multiple: true)])
        #expect(tracker.isEmpty)
    }

    @Test func aSingleSuccessIsNotMultiple() {
        var tracker = ConfirmTracker()
        tracker.published(1)
        tracker.completed(1, stored: true)
        #expect(tracker.takeReady() == [.ack(tag: 1, multiple: false)])
    }

    @Test func laterOutcomesWaitForEarlierOnes() {
        var tracker = ConfirmTracker()
        for sequence in 1...3 { tracker.published(UInt64(sequence)) }
        tracker.completed(2, stored: true)
        tracker.completed(3, stored: true)
        #expect(tracker.takeReady().isEmpty)
        tracker.completed(1, stored: true)
        #expect(tracker.takeReady() == [.ack(tag: 3, multiple: true)])
    }

    @Test func aFailureSplitsTheRunAndIsNackedAlone() {
        var tracker = ConfirmTracker()
        for sequence in 1...5 { tracker.published(UInt64(sequence)) }
        for sequence in [1, 2, 4, 5] { tracker.completed(UInt64(sequence), stored: true) }
        tracker.completed(3, stored: false)
        #expect(tracker.takeReady() == [.ack(tag: 2, multiple: true), .nack(tag: 3), .ack(tag: 5, multiple: true)])
    }

    @Test func confirmsAlreadySentAreNotRepeated() {
        var tracker = ConfirmTracker()
        tracker.published(1)
        tracker.completed(1, stored: true)
        _ = tracker.takeReady()
        tracker.published(2)
        tracker.completed(2, stored: true)
        #expect(tracker.takeReady() == [.ack(tag: 2, multiple: false)])
    }
}
