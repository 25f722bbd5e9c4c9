// AMQPLimits.swift: every limit the codec enforces, with the reason for it.

/// Limits checked where bytes enter the codec.
public enum AMQPLimits {
    /// Nesting depth of field tables and arrays. RabbitMQ has no explicit cap (it accepts a
    /// table nested 1,000 deep, checked against 3.10), but decoding, encoding, comparing and
    /// freeing a nested table all recurse, and frame_max (128 KiB) would allow ~18,000 levels:
    /// enough to exhaust an event-loop thread's stack. 1,024 keeps RabbitMQ's observed
    /// behaviour for 1,000 levels with a bounded stack.
    public static let fieldTableDepthMax = 1024
    /// frame_max offered in `connection.tune` (RabbitMQ's default, 128 KiB).
    public static let frameSizeBytesMaxDefault: UInt32 = 131_072
    /// Frame size allowed before `tune-ok` (AMQP's frame-min-size).
    public static let frameSizeBytesMin: UInt32 = 4096
    /// Bytes of a frame that are not payload: type, channel, size and the end marker.
    public static let frameOverheadBytes = 8
}
