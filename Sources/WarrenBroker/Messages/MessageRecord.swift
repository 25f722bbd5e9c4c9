// MessageRecord.swift: a Message as a log record.
//
// Record layout (Kafka RecordBatch v2 record): key = routing key (UTF-8), value = body,
// headers: "x" = exchange name (UTF-8), "p" = encoded content properties, "d" = [1] when
// persistent, "e" = per-message TTL in milliseconds (8 bytes, big-endian) when it has one.
// Timestamp = acceptance time. One-letter names keep per-record overhead small.
import NIOCore
import WarrenLog

extension Message {
    /// The record stored in a queue's partition log, as a `LogRecord` (appends encode the same
    /// bytes straight from the messages: `MessageRecordSource`).
    var logRecord: LogRecord {
        var headers = [LogRecord.Header(name: "x", value: ByteBuffer(string: exchange)),
                       LogRecord.Header(name: "p", value: properties)]
        if persistent { headers.append(LogRecord.Header(name: "d", value: ByteBuffer(bytes: [1]))) }
        if let expiration {
            var value = ByteBuffer()
            value.writeInteger(expiration)
            headers.append(LogRecord.Header(name: "e", value: value))
        }
        return LogRecord(key: ByteBuffer(string: routingKey), value: body, headers: headers, timestamp: timestamp)
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

/// Messages as the records a partition log encodes, written from the messages in place: no
/// `LogRecord`, header array or buffer is made for them (the same bytes as `logRecord`).
struct MessageRecordSource: LogRecordSource {
    let messages: [Message]

    var recordCount: Int { messages.count }

    func timestamp(at index: Int) -> Int64 { messages[index].timestamp }

    func fieldsSize(at index: Int) -> Int { Self.fieldsSize(of: messages[index]) }

    func writeFields(at index: Int, into writer: inout RecordFieldsWriter) {
        // The array holds every message's box for the whole encode, so the box is borrowed
        // unretained. Read through the subscript it was retained for the call and released
        // after it, and that release came right after the body's copy, where an atomic waits
        // for the copy's stores to drain: 3.8% of the broker loop on a1k (perf, one release
        // per record).
        let persistent = messages[index].persistent, expiration = messages[index].expiration
        Unmanaged.passUnretained(messages[index].shared)._withUnsafeGuaranteedRef { box in
            Self.writeFields(of: box, persistent: persistent, expiration: expiration, into: &writer)
        }
    }

    // On a borrowed message: read through the array's subscript at each field, a field was
    // retained for its call (4 retains and releases per record, counted with
    // retains-per-message.sh).
    private static func fieldsSize(of message: borrowing Message) -> Int {
        typealias Writer = RecordFieldsWriter
        var size = Writer.size(ofField: message.routingKey.utf8.count)
            + Writer.size(ofField: message.body.readableBytes)
            + Writer.size(ofCount: headerCount(persistent: message.persistent, expiration: message.expiration))
            + Writer.byteFieldSize + Writer.size(ofField: message.exchange.utf8.count)
            + Writer.byteFieldSize + Writer.size(ofField: message.properties.readableBytes)
        if message.persistent { size += Writer.byteFieldSize + Writer.byteFieldSize }
        if message.expiration != nil { size += Writer.byteFieldSize + Writer.bigEndianFieldSize }
        return size
    }

    private static func writeFields(of box: Message.Shared, persistent: Bool, expiration: Int64?,
                                    into writer: inout RecordFieldsWriter) {
        writer.field(utf8: box.routingKey)
        writer.field(box.body)
        writer.count(headerCount(persistent: persistent, expiration: expiration))
        writer.field(byte: UInt8(ascii: "x"))
        writer.field(utf8: box.exchange)
        writer.field(byte: UInt8(ascii: "p"))
        writer.field(box.properties)
        if persistent {
            writer.field(byte: UInt8(ascii: "d"))
            writer.field(byte: 1)
        }
        if let expiration {
            writer.field(byte: UInt8(ascii: "e"))
            writer.field(bigEndian: expiration)
        }
    }

    private static func headerCount(persistent: Bool, expiration: Int64?) -> Int {
        2 + (persistent ? 1 : 0) + (expiration != nil ? 1 : 0)
    }
}
