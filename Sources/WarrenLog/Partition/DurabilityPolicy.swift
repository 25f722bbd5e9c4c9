// DurabilityPolicy.swift: when appended bytes are fsynced, and the clock that times it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When a partition log makes appended batches durable.
public enum DurabilityPolicy: Sendable, Equatable {
    /// Group commit: every append asks the flusher thread for an `fsync`; one `fsync` covers
    /// every append made since the previous one started. Publisher confirms wait for it.
    case always
    /// At most one `fsync` per interval: an append (or `flushIfDue()`, which the owner calls
    /// from a timer) asks for one when the interval has passed since the last request.
    case interval(Duration)
    /// No `fsync`: the operating system writes pages back when it likes. The high watermark
    /// follows the log end as soon as bytes are written, so confirms do not wait.
    case never
}

/// Wall-clock time in milliseconds since the Unix epoch. Injected so tests never sleep: roll by
/// age, the `interval` policy and retention by age all read this clock.
public protocol LogClock: Sendable {
    /// The current time in milliseconds since the Unix epoch.
    func nowMilliseconds() -> Int64
}

/// The system's real-time clock.
public struct SystemLogClock: LogClock {
    /// Creates the system clock.
    public init() {}

    public func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}

extension Duration {
    /// Whole milliseconds (rounded down).
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
