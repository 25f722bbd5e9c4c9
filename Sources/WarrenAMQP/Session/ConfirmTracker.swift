// ConfirmTracker.swift: publisher confirms of one channel, coalesced into `multiple` acks.
import DequeModule

/// Orders a channel's publisher confirms and coalesces them. Sequence numbers are published
/// in order; storage completes them in any order. Confirms go out in sequence order: a run of
/// successes at the front becomes one `basic.ack` with `multiple` (it covers every
/// outstanding tag up to its own, which is exactly that run); a failure becomes a
/// `basic.nack` of its own. A pure value: the session feeds it and writes what it returns.
struct ConfirmTracker {
    enum Confirm: Equatable {
        case ack(tag: UInt64, multiple: Bool)
        case nack(tag: UInt64)
    }

    /// Published and not confirmed yet, in sequence order.
    private var outstanding: Deque<UInt64> = []
    /// Outcomes that arrived but wait for an earlier sequence.
    private var outcomes: [UInt64: Bool] = [:]

    var isEmpty: Bool { outstanding.isEmpty }

    mutating func published(_ sequence: UInt64) {
        outstanding.append(sequence)
    }

    mutating func completed(_ sequence: UInt64, stored: Bool) {
        outcomes[sequence] = stored
    }

    /// Confirms that can go out now, in order.
    mutating func takeReady() -> [Confirm] {
        var ready: [Confirm] = []
        while let first = outstanding.first, let stored = outcomes[first] {
            if !stored {
                outstanding.removeFirst()
                outcomes[first] = nil
                ready.append(.nack(tag: first))
                continue
            }
            var last = first
            var count = 0
            while let next = outstanding.first, outcomes[next] == true {
                outstanding.removeFirst()
                outcomes[next] = nil
                last = next
                count += 1
            }
            ready.append(.ack(tag: last, multiple: count > 1))
        }
        return ready
    }
}
