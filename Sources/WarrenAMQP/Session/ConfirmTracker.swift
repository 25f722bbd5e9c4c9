// ConfirmTracker.swift: publisher confirms of one channel, coalesced into `multiple` acks.
import DequeModule

/// Orders a channel's publisher confirms and coalesces them. Sequence numbers are published
/// in order, one apart; storage completes them in any order. Confirms go out in sequence
/// order: a run of successes at the front becomes one `basic.ack` with `multiple` (it covers
/// every outstanding tag up to its own, which is exactly that run); a failure becomes a
/// `basic.nack` of its own. A pure value: the session feeds it and writes what it returns.
struct ConfirmTracker {
    enum Confirm: Equatable {
        case ack(tag: UInt64, multiple: Bool)
        case nack(tag: UInt64)
    }

    private enum Outcome: UInt8 { case waiting, stored, failed }

    /// The outcome of each outstanding sequence, the first being `first` (sequences are
    /// consecutive, so a position is a sequence: no hashing per publish).
    private var outcomes: Deque<Outcome> = []
    private var first: UInt64 = 0

    var isEmpty: Bool { outcomes.isEmpty }

    mutating func published(_ sequence: UInt64) {
        if outcomes.isEmpty { first = sequence }
        assert(sequence == first + UInt64(outcomes.count), "confirm sequences are published one apart")
        outcomes.append(.waiting)
    }

    mutating func completed(_ sequence: UInt64, stored: Bool) {
        guard sequence >= first, sequence - first < UInt64(outcomes.count) else { return }
        outcomes[Int(sequence - first)] = stored ? .stored : .failed
    }

    /// Confirms that can go out now, in order.
    mutating func takeReady() -> [Confirm] {
        var ready: [Confirm] = []
        while let outcome = outcomes.first, outcome != .waiting {
            if outcome == .failed {
                outcomes.removeFirst()
                ready.append(.nack(tag: first))
                first += 1
                continue
            }
            var count = 0
            while let next = outcomes.first, next == .stored {
                outcomes.removeFirst()
                count += 1
            }
            first += UInt64(count)
            ready.append(.ack(tag: first - 1, multiple: count > 1))
        }
        return ready
    }
}
