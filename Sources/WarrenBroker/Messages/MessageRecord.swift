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

    /// Rebuilds a message from its record.
    init(record: LogRecord) {
        var exchange = ""
        var properties = ByteBuffer()
        var persistent = false
        var expiration: Int64?
        for header in record.headers {
            switch header.name {
            case "x": exchange = String(buffer: header.value)
            case "p": properties = header.value
            case "d": persistent = true
            case "e": expiration = header.value.getInteger(at: header.value.readerIndex, as: Int64.self)
            default: continue
            }
        }
        self.init(exchange: exchange, routingKey: record.key.map { String(buffer: $0) } ?? "",
                  properties: properties, body: record.value, persistent: persistent, timestamp: record.timestamp,
                  expiration: expiration)
    }
}

/// Turns messages into log records. A batch's messages mostly share their exchange and routing
/// key: their bytes are made once and shared (a `ByteBuffer` copy is a reference), so a record
/// costs its headers array and nothing else.
struct MessageRecords {
    private var exchange: (name: String, bytes: ByteBuffer)?
    private var routingKey: (name: String, bytes: ByteBuffer)?
    private static let persistentValue = ByteBuffer(bytes: [1])

    mutating func record(for message: Message) -> LogRecord {
        if exchange?.name != message.exchange { exchange = (message.exchange, ByteBuffer(string: message.exchange)) }
        if routingKey?.name != message.routingKey {
            routingKey = (message.routingKey, ByteBuffer(string: message.routingKey))
        }
        var headers = [
            LogRecord.Header(name: "x", value: exchange!.bytes),
            LogRecord.Header(name: "p", value: message.properties),
        ]
        if message.persistent { headers.append(LogRecord.Header(name: "d", value: Self.persistentValue)) }
        if let expiration = message.expiration {
            var value = ByteBuffer()
            value.writeInteger(expiration)
            headers.append(LogRecord.Header(name: "e", value: value))
        }
        return LogRecord(key: routingKey!.bytes, value: message.body, headers: headers, timestamp: message.timestamp)
    }
}
