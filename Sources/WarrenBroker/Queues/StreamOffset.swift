// StreamOffset.swift: where a new consumer group starts reading.

/// Where a new consumer group (or a stream reader) starts, as `x-stream-offset` says.
public enum StreamOffset: Sendable, Equatable {
    /// The oldest message still in the log.
    case first
    /// The newest message in the log.
    case last
    /// Only messages published from now on.
    case next
    /// A log offset (clamped to the log's range).
    case offset(UInt64)
    /// The first message published at or after this time (milliseconds since the epoch).
    case timestamp(Int64)
}
