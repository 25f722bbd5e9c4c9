// PerfCounters.swift: what producers and consumers count, read once a second by the reporter.
import Dispatch
import NIOConcurrencyHelpers

/// Counts of one run. Producers and consumers add under an uncontended lock (each client has
/// its own instance); the reporter takes a snapshot each second.
final class PerfCounters: Sendable {
    struct Snapshot {
        var published: UInt64 = 0
        var confirmed: UInt64 = 0
        var nacked: UInt64 = 0
        var received: UInt64 = 0
        var latency = LatencyHistogram()
        var lastReceiveNanoseconds: UInt64 = 0

        mutating func add(_ other: Snapshot) {
            published += other.published
            confirmed += other.confirmed
            nacked += other.nacked
            received += other.received
            latency.add(other.latency)
            lastReceiveNanoseconds = max(lastReceiveNanoseconds, other.lastReceiveNanoseconds)
        }
    }

    private let state = NIOLockedValueBox(Snapshot())

    func published(_ count: UInt64 = 1) { state.withLockedValue { $0.published += count } }

    func confirmed(_ count: Int, acked: Bool) {
        state.withLockedValue {
            if acked { $0.confirmed += UInt64(count) } else { $0.nacked += UInt64(count) }
        }
    }

    func received(latencyNanoseconds: UInt64, at now: UInt64) {
        state.withLockedValue {
            $0.received += 1
            $0.latency.record(nanoseconds: latencyNanoseconds)
            $0.lastReceiveNanoseconds = now
        }
    }

    /// What was counted since the last call; the latencies start afresh.
    func take() -> Snapshot {
        state.withLockedValue { state in
            defer {
                state = Snapshot()
            }
            return state
        }
    }
}

enum PerfClock {
    static var now: UInt64 { DispatchTime.now().uptimeNanoseconds }
}
