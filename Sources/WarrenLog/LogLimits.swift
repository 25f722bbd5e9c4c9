// LogLimits.swift: every size and count limit of the partition log, with its reason.

/// Limits of the partition log. Each is checked where data enters the log.
public enum LogLimits {
    /// Largest record batch accepted by `append`. A batch is written with one `write` and must
    /// fit in the tail cache; 1 MiB matches Kafka's default `message.max.bytes`.
    public static let batchBytesMax = 1 << 20

    /// Largest segment file. Index entries store a segment-relative position as `UInt32`, so a
    /// segment must stay below 4 GiB; 1 GiB (Kafka's default `segment.bytes`) leaves room for
    /// the last batch that crosses the roll threshold.
    public static let segmentBytesMax = 1 << 30

    /// Default segment size. 64 MiB keeps retention granular (a work queue frees disk in
    /// 64 MiB steps) while 1,000 segments still hold 64 GiB, well within the open-file limit below.
    public static let segmentBytesDefault = 64 << 20

    /// Default bytes of log between two sparse index entries (Kafka's `index.interval.bytes`).
    /// A read scans at most this many bytes past the index entry it starts from.
    public static let indexIntervalBytesDefault = 4096

    /// Index entries of the active segment held in memory before they are written to its index
    /// files (one `pwrite` per file for the group). Writing each entry as it is made cost two
    /// extra `pwrite`s per append of a batch over `indexIntervalBytes`; the files need to be
    /// complete only when a segment rolls, is cut or is closed cleanly (a crash rebuilds the
    /// active segment's indexes). 64 entries are 512 + 768 bytes of buffer.
    static let indexEntriesUnwrittenMax = 64

    /// Default size of the in-memory tail cache per partition. 8 MiB holds several seconds of
    /// a busy queue, so consumers at the tail never touch the disk.
    public static let tailCacheBytesDefault = 8 << 20

    /// Default bytes a log writing in the background (`writesInBackground`) lets queue for the
    /// flusher before an append writes them itself: when the flusher falls behind (its thread
    /// runs at a lower priority, and serves every log in turn), the appending thread takes the
    /// writes back rather than letting memory grow. 4 MiB is half the default tail cache, so a
    /// queued batch is still in the cache and costs no memory of its own.
    public static let unwrittenBytesMaxDefault = 4 << 20

    /// Segment files a log keeps open for reading at once (least recently used are closed).
    /// A broker hosts thousands of partitions under a process limit of a few tens of thousands
    /// of descriptors; 16 per partition leaves room for sockets.
    public static let openSegmentFilesMax = 16

    /// Largest consumer-group journal entry. Entries hold one state change (a range, a cursor,
    /// a name); group names are limited to 255 bytes as AMQP short strings are.
    public static let journalEntryBytesMax = 64 << 10

    /// Longest consumer-group name in bytes (an AMQP short string).
    public static let groupNameBytesMax = 255

    /// Bytes read at once when recovery scans a segment.
    static let recoveryReadBytes = 4 << 20
}
