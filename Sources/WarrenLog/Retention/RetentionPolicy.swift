// RetentionPolicy.swift: when whole segments may be deleted.

/// How long a partition keeps its segments.
///
/// A segment (never the active one) is *past retention* when the log without it would still
/// hold more than `maxBytes`, or when its newest record is older than `maxAge`.
/// - `.stream`: a segment past retention is deleted, whatever consumers have read.
/// - `.workQueue`: a segment is deleted only when every registered floor (one per consumer
///   group, its ack floor) has moved past it, *and* it is past retention; with no size or age
///   limit set, every segment counts as past retention once at least one floor is registered,
///   so segments go as soon as every group has settled them; with no floor at all nothing goes
///   (messages wait for the first group).
public struct RetentionPolicy: Sendable, Equatable {
    /// Whether consumer floors pin segments.
    public enum Mode: Sendable, Equatable {
        /// Work-queue semantics: floors pin segments.
        case workQueue
        /// Stream semantics: size and age alone decide.
        case stream
    }

    /// Whether floors pin segments.
    public var mode: Mode
    /// Largest size of the log in bytes, or nil for no size limit.
    public var maxBytes: Int64?
    /// Largest age of a segment's newest record, or nil for no age limit.
    public var maxAge: Duration?

    /// Creates a policy.
    public init(mode: Mode = .workQueue, maxBytes: Int64? = nil, maxAge: Duration? = nil) {
        self.mode = mode
        self.maxBytes = maxBytes
        self.maxAge = maxAge
    }
}
