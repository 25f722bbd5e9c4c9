// FieldTable.swift: AMQP field tables and arrays with every value type RabbitMQ uses.
//
// Wire layout of a table: long (byte size), then entries of
//   shortstr name, octet type letter, value
// Type letters (RabbitMQ's, which differ from the 0-9-1 PDF for s/u/I/i/l):
//   t bool(octet)  b int8  B uint8  s int16  u uint16  I int32  i uint32  l int64
//   f float32  d float64  D decimal(octet scale + uint32)  S longstr  x byte array(longstr)
//   A array(long size + values)  T timestamp(uint64)  F table  V void(no bytes)
import NIOCore

/// One field-table or field-array value.
public indirect enum FieldValue: Equatable, Sendable {
    case bool(Bool)
    case int8(Int8)
    case uint8(UInt8)
    case int16(Int16)
    case uint16(UInt16)
    case int32(Int32)
    case uint32(UInt32)
    case int64(Int64)
    case float(Float)
    case double(Double)
    case decimal(scale: UInt8, value: UInt32)
    case longString([UInt8])
    case byteArray([UInt8])
    case array([FieldValue])
    case timestamp(UInt64)
    case table(FieldTable)
    case void

    /// The value as text when it is a long string.
    public var string: String? {
        if case .longString(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    /// The value as an integer when it is any integer type (RabbitMQ clients pick various widths).
    public var integer: Int64? {
        switch self {
        case .int8(let v): return Int64(v)
        case .uint8(let v): return Int64(v)
        case .int16(let v): return Int64(v)
        case .uint16(let v): return Int64(v)
        case .int32(let v): return Int64(v)
        case .uint32(let v): return Int64(v)
        case .int64(let v): return v
        case .timestamp(let v): return Int64(bitPattern: v)
        default: return nil
        }
    }

    /// The value as a boolean when it is `t`.
    public var bool: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }
}

extension FieldValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .longString(Array(value.utf8)) }
}

extension FieldValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .int64(value) }
}

extension FieldValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

/// An AMQP field table. Entries keep their wire order so a re-encoded table is byte-identical.
public struct FieldTable: Equatable, Sendable, ExpressibleByDictionaryLiteral {
    public struct Entry: Equatable, Sendable {
        public var key: String
        public var value: FieldValue
        public init(key: String, value: FieldValue) {
            self.key = key
            self.value = value
        }
    }

    public var entries: [Entry]

    public init() { entries = [] }

    public init(dictionaryLiteral elements: (String, FieldValue)...) {
        entries = elements.map { Entry(key: $0.0, value: $0.1) }
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The first value stored under `key`; setting replaces it or appends a new entry.
    public subscript(key: String) -> FieldValue? {
        get { entries.first(where: { $0.key == key })?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append(Entry(key: key, value: newValue))
            }
        }
    }
}

extension ByteBuffer {
    /// Reads a field table, refusing nesting deeper than `AMQPLimits.fieldTableDepthMax`.
    public mutating func readAMQPFieldTable() throws(AMQPDecodingError) -> FieldTable {
        try readAMQPFieldTable(depth: 0)
    }

    mutating func readAMQPFieldTable(depth: Int) throws(AMQPDecodingError) -> FieldTable {
        guard depth < AMQPLimits.fieldTableDepthMax else { throw .fieldTableTooDeep }
        guard let size = readInteger(as: UInt32.self), var body = readSlice(length: Int(size)) else {
            throw .truncated("field table")
        }
        var table = FieldTable()
        while body.readableBytes > 0 {
            let key = try body.readAMQPShortString()
            let value = try body.readAMQPFieldValue(depth: depth)
            table.entries.append(.init(key: key, value: value))
        }
        return table
    }

    mutating func readAMQPFieldArray(depth: Int) throws(AMQPDecodingError) -> [FieldValue] {
        guard depth < AMQPLimits.fieldTableDepthMax else { throw .fieldTableTooDeep }
        guard let size = readInteger(as: UInt32.self), var body = readSlice(length: Int(size)) else {
            throw .truncated("field array")
        }
        var values: [FieldValue] = []
        while body.readableBytes > 0 {
            values.append(try body.readAMQPFieldValue(depth: depth))
        }
        return values
    }

    mutating func readAMQPFieldValue(depth: Int) throws(AMQPDecodingError) -> FieldValue {
        let type = try readAMQPOctet()
        switch type {
        case UInt8(ascii: "t"): return .bool(try readAMQPOctet() != 0)
        case UInt8(ascii: "b"): return .int8(Int8(bitPattern: try readAMQPOctet()))
        case UInt8(ascii: "B"): return .uint8(try readAMQPOctet())
        case UInt8(ascii: "s"): return .int16(Int16(bitPattern: try readAMQPShort()))
        case UInt8(ascii: "u"): return .uint16(try readAMQPShort())
        case UInt8(ascii: "I"): return .int32(Int32(bitPattern: try readAMQPLong()))
        case UInt8(ascii: "i"): return .uint32(try readAMQPLong())
        case UInt8(ascii: "l"): return .int64(Int64(bitPattern: try readAMQPLongLong()))
        case UInt8(ascii: "f"): return .float(Float(bitPattern: try readAMQPLong()))
        case UInt8(ascii: "d"): return .double(Double(bitPattern: try readAMQPLongLong()))
        case UInt8(ascii: "D"):
            let scale = try readAMQPOctet()
            return .decimal(scale: scale, value: try readAMQPLong())
        case UInt8(ascii: "S"): return .longString(try readAMQPLongString())
        case UInt8(ascii: "x"): return .byteArray(try readAMQPLongString())
        case UInt8(ascii: "A"): return .array(try readAMQPFieldArray(depth: depth + 1))
        case UInt8(ascii: "T"): return .timestamp(try readAMQPLongLong())
        case UInt8(ascii: "F"): return .table(try readAMQPFieldTable(depth: depth + 1))
        case UInt8(ascii: "V"): return .void
        default: throw .unknownFieldType(type)
        }
    }

    /// Writes a field table with its 32-bit size prefix.
    public mutating func writeAMQPFieldTable(_ table: FieldTable) {
        let sizeIndex = writerIndex
        writeInteger(UInt32(0))
        for entry in table.entries {
            writeAMQPShortString(entry.key)
            writeAMQPFieldValue(entry.value)
        }
        setInteger(UInt32(writerIndex - sizeIndex - 4), at: sizeIndex)
    }

    mutating func writeAMQPFieldValue(_ value: FieldValue) {
        switch value {
        case .bool(let v): writeTypeLetter("t"); writeInteger(UInt8(v ? 1 : 0))
        case .int8(let v): writeTypeLetter("b"); writeInteger(v)
        case .uint8(let v): writeTypeLetter("B"); writeInteger(v)
        case .int16(let v): writeTypeLetter("s"); writeInteger(v)
        case .uint16(let v): writeTypeLetter("u"); writeInteger(v)
        case .int32(let v): writeTypeLetter("I"); writeInteger(v)
        case .uint32(let v): writeTypeLetter("i"); writeInteger(v)
        case .int64(let v): writeTypeLetter("l"); writeInteger(v)
        case .float(let v): writeTypeLetter("f"); writeInteger(v.bitPattern)
        case .double(let v): writeTypeLetter("d"); writeInteger(v.bitPattern)
        case .decimal(let scale, let v): writeTypeLetter("D"); writeInteger(scale); writeInteger(v)
        case .longString(let bytes): writeTypeLetter("S"); writeAMQPLongString(bytes)
        case .byteArray(let bytes): writeTypeLetter("x"); writeAMQPLongString(bytes)
        case .timestamp(let v): writeTypeLetter("T"); writeInteger(v)
        case .table(let table): writeTypeLetter("F"); writeAMQPFieldTable(table)
        case .void: writeTypeLetter("V")
        case .array(let values):
            writeTypeLetter("A")
            let sizeIndex = writerIndex
            writeInteger(UInt32(0))
            for element in values { writeAMQPFieldValue(element) }
            setInteger(UInt32(writerIndex - sizeIndex - 4), at: sizeIndex)
        }
    }

    private mutating func writeTypeLetter(_ letter: Unicode.Scalar) {
        writeInteger(UInt8(ascii: letter))
    }
}
