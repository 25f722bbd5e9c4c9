import AMQPProtocol
import NIOCore
import Testing

@Suite struct FieldTableTests {
    static let everyType: FieldTable = [
        "t": .bool(true), "b": .int8(-5), "B": .uint8(250), "s": .int16(-300), "u": .uint16(60000),
        "I": .int32(-70000), "i": .uint32(4_000_000_000), "l": .int64(-(1 << 40)), "f": .float(1.5),
        "d": .double(-2.25), "D": .decimal(scale: 2, value: 12345), "S": "text", "x": .byteArray([0, 255]),
        "A": .array([.int32(1), "two", .array([.void])]), "T": .timestamp(1_700_000_000),
        "F": .table(["inner": .bool(false)]), "V": .void,
    ]

    @Test func everyRabbitMQTypeRoundTrips() throws {
        var buffer = ByteBuffer()
        buffer.writeAMQPFieldTable(Self.everyType)
        let decoded = try buffer.readAMQPFieldTable()
        #expect(decoded == Self.everyType)
        #expect(buffer.readableBytes == 0)
    }

    @Test func typeLettersAreRabbitMQs() {
        var buffer = ByteBuffer()
        buffer.writeAMQPFieldTable(["a": .int16(1), "b": .uint32(2), "c": .int64(3)])
        // 4-byte size, then: 1 'a' 's' 0 1, 1 'b' 'i' 0 0 0 2, 1 'c' 'l' 0*7 3
        let bytes = Array(buffer.readableBytesView.dropFirst(4))
        #expect(bytes[2] == UInt8(ascii: "s"))
        #expect(bytes[7] == UInt8(ascii: "i"))
        #expect(bytes[14] == UInt8(ascii: "l"))
    }

    @Test func entryOrderIsKept() throws {
        let table: FieldTable = ["z": 1, "a": 2, "m": 3]
        var buffer = ByteBuffer()
        buffer.writeAMQPFieldTable(table)
        #expect(try buffer.readAMQPFieldTable().entries.map(\.key) == ["z", "a", "m"])
    }

    static func nested(depth: Int) -> FieldTable {
        var table: FieldTable = ["leaf": .bool(true)]
        for _ in 0..<depth { table = ["n": .table(table)] }
        return table
    }

    @Test func nestingAtTheLimitDecodes() throws {
        var buffer = ByteBuffer()
        buffer.writeAMQPFieldTable(Self.nested(depth: AMQPLimits.fieldTableDepthMax - 1))
        #expect(throws: Never.self) { _ = try buffer.readAMQPFieldTable() }
    }

    @Test func tableNestedAThousandDeepDecodesAsInRabbitMQ() throws {
        var buffer = ByteBuffer()
        buffer.writeAMQPFieldTable(Self.nested(depth: 1000))
        #expect(try buffer.readAMQPFieldTable() == Self.nested(depth: 1000))
    }

    @Test func tableNestedPastTheLimitIsRefused() {
        var buffer = ByteBuffer()
        buffer.writeAMQPFieldTable(Self.nested(depth: AMQPLimits.fieldTableDepthMax))
        #expect(throws: AMQPDecodingError.fieldTableTooDeep) { _ = try buffer.readAMQPFieldTable() }
    }

    @Test func unknownTypeLetterIsRefused() {
        var buffer = ByteBuffer(bytes: [0, 0, 0, 3, 1, UInt8(ascii: "k"), UInt8(ascii: "Q")])
        #expect(throws: AMQPDecodingError.unknownFieldType(UInt8(ascii: "Q"))) { _ = try buffer.readAMQPFieldTable() }
    }

    @Test func sizeLargerThanTheBytesPresentIsTruncation() {
        var buffer = ByteBuffer(bytes: [0, 0, 1, 0, 1, UInt8(ascii: "k")])
        #expect(throws: AMQPDecodingError.truncated("field table")) { _ = try buffer.readAMQPFieldTable() }
    }

    @Test func subscriptReplacesAndRemoves() {
        var table: FieldTable = ["a": 1]
        table["a"] = "x"
        table["b"] = true
        #expect(table.entries.map(\.key) == ["a", "b"])
        table["a"] = nil
        #expect(table["a"] == nil && table["b"] == .bool(true))
    }
}
