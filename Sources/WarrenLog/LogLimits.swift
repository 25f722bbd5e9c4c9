// LogLimits.swift: every size and count limit of the partition log, with its reason.

/// Limits of the partition log. Each is checked where data enters the log.
public enum LogLimits {
    /// Largest record batch accepted by `append`. A batch is written with one `write` and must
    /// fit in the tail cache; 1 MiB matches Kafka's default `message.max.bytes`.
    public static let batchBytesMax = 1 << 20
}
