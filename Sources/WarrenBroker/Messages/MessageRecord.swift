// MessageRecord.swift: a Message as a log record.
//
// Record layout (Kafka RecordBatch v2 record): key = routing key (UTF-8), value = body,
// headers: "x" = exchange name (UTF-8), "p" = encoded content properties, "d" = [1] when
// persistent. Timestamp = acceptance time. One-letter names keep per-record overhead small.
import NIOCore
import WarrenLog

extension Message {
    /// The record stored in a queue's partition log.
    var logRecord: LogRecord {
        var headers = [
            LogRecord.Header(name: "x", value: ByteBuffer(string: exchange)),
            LogRecord.Header(name: "p", value: properties),
        ]
        if persistent { headers.append(LogRecord.Header(name: "d", value: ByteBuffer(bytes: [1]))) }
        return LogRecord(key: ByteBuffer(string: routingKey), value: body, headers: headers, timestamp: timestamp)
    }

    /// Rebuilds a message from its record.
    init(record: LogRecord) {
        var exchange = ""
        var properties = ByteBuffer()
        var persistent = false
        for header in record.headers {
            switch header.name {
            case "x": exchange = String(buffer: header.value)
            case "p": properties = header.value
            case "d": persistent = true
            default: continue
            }
        }
        self.init(exchange: exchange, routingKey: record.key.map { String(buffer: $0) } ?? "",
                  properties: properties, body: record.value, persistent: persistent, timestamp: record.timestamp)
    }
}
