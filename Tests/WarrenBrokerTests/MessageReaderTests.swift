import NIOCore
import Testing
import WarrenLog
@testable import WarrenBroker

/// Messages read back from their log records in place (`MessageReader`), as the read-ahead
/// windows and expiry read them.
@Suite struct MessageReaderTests {
    private static func batch(_ records: some LogRecordSource) throws -> RecordBatch {
        var buffer = ByteBuffer()
        RecordBatchV2.encode(records, baseOffset: 100, leaderEpoch: 0, into: &buffer)
        return try #require(try RecordBatchV2.decodeBatch(from: &buffer))
    }

    private static func readBack(_ batch: RecordBatch) throws -> [Message] {
        var reader = MessageReader()
        var messages: [Message] = []
        try batch.forEachRecordView { messages.append(reader.message(from: $0)) }
        return messages
    }

    @Test func everyFieldComesBack() throws {
        let messages = [
            Message(exchange: "amq.direct", routingKey: "a routing key longer than fifteen bytes",
                    properties: ByteBuffer(bytes: [0x10, 0, 2]), body: ByteBuffer(string: "first"),
                    persistent: true, timestamp: 1_700_000_000_000, expiration: 60_000),
            // Same exchange and key: the reader shares the strings it made.
            Message(exchange: "amq.direct", routingKey: "a routing key longer than fifteen bytes",
                    properties: ByteBuffer(), body: ByteBuffer(string: "second"),
                    persistent: false, timestamp: 1_700_000_000_001),
            // Others follow the bytes, not the previous record.
            Message(exchange: "", routingKey: "q", properties: ByteBuffer(bytes: [0, 0]), body: ByteBuffer(),
                    persistent: true, timestamp: 1_700_000_000_002, expiration: 0),
            Message(exchange: "an exchange with a long name", routingKey: "", properties: ByteBuffer(bytes: [1]),
                    body: ByteBuffer(string: "fourth"), persistent: false, timestamp: 1_700_000_000_003),
        ]
        #expect(try Self.readBack(try Self.batch(Self.records(messages))) == messages)
    }

    /// The records an append encodes from the messages in place.
    private static func records(_ messages: [Message]) -> MessageRecordSource {
        MessageRecordSource(messages: messages)
    }

    /// Encoded from the messages in place, a batch has the bytes of their `LogRecord`s encoded,
    /// whatever changes from one message to the next.
    @Test func inPlaceRecordsEqualLogRecords() throws {
        let properties = ByteBuffer(bytes: [0x10, 0, 2])
        func message(_ exchange: String, persistent: Bool, properties: ByteBuffer, expiration: Int64? = nil) -> Message {
            Message(exchange: exchange, routingKey: "rk", properties: properties, body: ByteBuffer(string: "b"),
                    persistent: persistent, timestamp: 1, expiration: expiration)
        }
        let messages = [
            message("e1", persistent: true, properties: properties),
            message("e1", persistent: true, properties: properties),
            message("e1", persistent: false, properties: properties),
            message("an exchange name longer than fifteen bytes", persistent: false, properties: properties),
            message("e2", persistent: false, properties: ByteBuffer(bytes: [0x10, 0, 1])),
            message("e2", persistent: true, properties: ByteBuffer(bytes: [0x10, 0, 1]), expiration: 5),
            message("e2", persistent: false, properties: ByteBuffer(), expiration: 300_000_000_000),
        ]
        var inPlace = ByteBuffer(), fromRecords = ByteBuffer()
        RecordBatchV2.encode(Self.records(messages), baseOffset: 7, leaderEpoch: 0, into: &inPlace)
        RecordBatchV2.encode(messages.map(\.logRecord), baseOffset: 7, leaderEpoch: 0, into: &fromRecords)
        #expect(inPlace == fromRecords)
        #expect(RecordBatchV2.encodedSize(of: Self.records(messages)) == inPlace.readableBytes)
        #expect(try Self.readBack(try Self.batch(Self.records(messages))) == messages)
    }

    @Test func headersThatAreNotOursAreSkipped() throws {
        let message = Message(exchange: "ex", routingKey: "rk", properties: ByteBuffer(bytes: [7]),
                              body: ByteBuffer(string: "b"), persistent: true, timestamp: 5)
        var record = message.logRecord
        // After ours, so a reader matching on the first letter alone would take it.
        record.headers.append(LogRecord.Header(name: "xp", value: ByteBuffer(string: "not an exchange")))
        record.headers.append(LogRecord.Header(name: "q", value: ByteBuffer(string: "unknown")))
        #expect(try Self.readBack(try Self.batch([record])) == [message])
    }
}
