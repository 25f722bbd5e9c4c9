// MessageRecord.swift: a Message as a log record.
//
// Record layout (Kafka RecordBatch v2 record): key = routing key (UTF-8), value = body,
// headers: "x" = exchange name (UTF-8), "p" = encoded content properties, "d" = [1] when
// persistent, "e" = per-message TTL in milliseconds (8 bytes, big-endian) when it has one.
// Timestamp = acceptance time. One-letter names keep per-record overhead small.
import NIOCore
import WarrenLog

extension Message {
    /// The record stored in a queue's partition log.
    var logRecord: LogRecord {
        var records = MessageRecords()
        return records.record(for: self)
    }
}

/// Rebuilds messages from their records, read in place. Consecutive records mostly share their
/// exchange and routing key: each string is made once and shared while the bytes repeat, so a
/// message read back allocates nothing of its own.
struct MessageReader {
    private var exchange: (bytes: ByteBuffer, name: String) = (ByteBuffer(), "")
    private var routingKey: (bytes: ByteBuffer, name: String) = (ByteBuffer(), "")

    mutating func message(from record: RecordView) -> Message {
        var properties = ByteBuffer()
        var persistent = false
        var expiration: Int64?
        var exchangeName = ""
        for header in record.headers {
            // The names are one letter (see the layout above); others are not ours and skipped.
            guard header.name.readableBytes == 1, let letter = header.name.getInteger(at: header.name.readerIndex, as: UInt8.self)
            else { continue }
            switch letter {
            case UInt8(ascii: "x"): exchangeName = Self.string(header.value, cached: &exchange)
            case UInt8(ascii: "p"): properties = header.value
            case UInt8(ascii: "d"): persistent = true
            case UInt8(ascii: "e"): expiration = header.value.getInteger(at: header.value.readerIndex, as: Int64.self)
            default: continue
            }
        }
        let key = record.key.map { Self.string($0, cached: &routingKey) } ?? ""
        return Message(exchange: exchangeName, routingKey: key, properties: properties, body: record.value,
                       persistent: persistent, timestamp: record.timestamp, expiration: expiration)
    }

    private static func string(_ bytes: ByteBuffer, cached: inout (bytes: ByteBuffer, name: String)) -> String {
        if bytes != cached.bytes { cached = (bytes, String(buffer: bytes)) }
        return cached.name
    }
}

/// Turns messages into log records. A batch's messages mostly share their exchange and routing
/// key, and often their properties: their bytes are made once and shared (a `ByteBuffer` copy
/// is a reference), and a record whose headers would equal the previous record's reuses its
/// headers array, so such a record costs no allocation of its own.
struct MessageRecords {
    private var exchange: (name: String, bytes: ByteBuffer)?
    private var routingKey: (name: String, bytes: ByteBuffer)?
    /// The previous record's headers when it had no expiration, and what they were made from
    /// (beside `exchange`, which clears them when it changes).
    private var lastHeaders: (properties: ByteBuffer, persistent: Bool, headers: [LogRecord.Header])?
    private static let persistentValue = ByteBuffer(bytes: [1])

    mutating func record(for message: Message) -> LogRecord {
        if exchange?.name != message.exchange {
            exchange = (message.exchange, ByteBuffer(string: message.exchange))
            lastHeaders = nil
        }
        if routingKey?.name != message.routingKey {
            routingKey = (message.routingKey, ByteBuffer(string: message.routingKey))
        }
        return LogRecord(key: routingKey!.bytes, value: message.body, headers: headers(for: message),
                         timestamp: message.timestamp)
    }

    private mutating func headers(for message: Message) -> [LogRecord.Header] {
        if message.expiration == nil, let last = lastHeaders, last.persistent == message.persistent,
           last.properties == message.properties {
            return last.headers
        }
        var headers: [LogRecord.Header] = []
        headers.reserveCapacity(4)
        headers.append(LogRecord.Header(name: "x", value: exchange!.bytes))
        headers.append(LogRecord.Header(name: "p", value: message.properties))
        if message.persistent { headers.append(LogRecord.Header(name: "d", value: Self.persistentValue)) }
        if let expiration = message.expiration {
            var value = ByteBuffer()
            value.writeInteger(expiration)
            headers.append(LogRecord.Header(name: "e", value: value))
            lastHeaders = nil
        } else {
            lastHeaders = (message.properties, message.persistent, headers)
        }
        return headers
    }
}
