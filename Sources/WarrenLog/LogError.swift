// LogError.swift: operating errors of the partition log (disk faults, bad input, corrupt data).

/// Errors the partition log throws. Programmer errors (broken invariants) are preconditions,
/// not cases here.
public enum LogError: Error, Equatable, Sendable {
    /// A batch failed validation when read: its CRC-32C does not match its bytes.
    case crcMismatch(baseOffset: Int64, stored: UInt32, computed: UInt32)
    /// A batch header is malformed (bad length, magic, offsets or record encoding).
    case malformedBatch(baseOffset: Int64?, reason: String)
    /// `append` was given no records.
    case emptyAppend
    /// An encoded batch would exceed `LogLimits.batchBytesMax`.
    case batchTooLarge(bytes: Int, limit: Int)
    /// A single record or header exceeds what the format can encode.
    case recordTooLarge(bytes: Int)
    /// The requested offset is below the log start or above the log end.
    case offsetOutOfRange(requested: Int64, logStart: Int64, logEnd: Int64)
    /// The log was closed.
    case closed
    /// An earlier `fsync` failed; the log refuses writes until it is reopened, because the
    /// kernel may have dropped the dirty pages (the "fsyncgate" lesson).
    case storageFailed(String)
    /// A file-system call failed.
    case io(operation: String, path: String, errno: Int32)
    /// A journal or index file is damaged beyond what recovery can repair.
    case corruptFile(path: String, reason: String)
    /// A consumer-group operation named a group that does not exist, or one that already does.
    case groupState(String)
}
