// LogRecord.swift: one record as the log stores it (key, value, headers, timestamp).

import NIOCore

/// One record of a partition log. The log never interprets keys, values or headers: the broker
/// keeps exchange, routing key and encoded AMQP properties in them.
public struct LogRecord: Sendable, Equatable {
    /// A record header: a UTF-8 name and opaque bytes. Order and duplicates are kept.
    public struct Header: Sendable, Equatable {
        /// Header name (UTF-8, as Kafka's header key).
        public var name: String
        /// Header value bytes.
        public var value: ByteBuffer

        /// Creates a header.
        public init(name: String, value: ByteBuffer) {
            self.name = name
            self.value = value
        }
    }

    /// Optional key bytes (`nil` is stored as Kafka's null key, length -1).
    public var key: ByteBuffer?
    /// Value bytes. A Kafka null value (length -1) reads back as an empty buffer.
    public var value: ByteBuffer
    /// Headers in the order given.
    public var headers: [Header]
    /// Milliseconds since the Unix epoch.
    public var timestamp: Int64

    /// Creates a record.
    public init(key: ByteBuffer? = nil, value: ByteBuffer, headers: [Header] = [], timestamp: Int64) {
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }
}

/// A record read back from the log, with the offset the log gave it.
public struct StoredRecord: Sendable, Equatable {
    /// The record's offset in its partition.
    public var offset: Int64
    /// The record.
    public var record: LogRecord

    /// Creates a stored record.
    public init(offset: Int64, record: LogRecord) {
        self.offset = offset
        self.record = record
    }
}
