// AMQPLimits.swift: every limit the codec enforces, with the reason for it.

/// Limits checked where bytes enter the codec.
public enum AMQPLimits {
    /// Nesting depth of field tables and arrays. RabbitMQ has no explicit cap, but decoding is
    /// recursive, and frame_max (128 KiB) would allow ~20,000 levels: enough to exhaust an
    /// event-loop thread's stack. No real client nests more than a handful of levels.
    public static let fieldTableDepthMax = 64
    /// frame_max offered in `connection.tune` (RabbitMQ's default, 128 KiB).
    public static let frameSizeBytesMaxDefault: UInt32 = 131_072
    /// Frame size allowed before `tune-ok` (AMQP's frame-min-size).
    public static let frameSizeBytesMin: UInt32 = 4096
    /// Bytes of a frame that are not payload: type, channel, size and the end marker.
    public static let frameOverheadBytes = 8
}
