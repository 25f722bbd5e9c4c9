// ArgumentValue.swift: header and x-argument values as the broker sees them.
//
// The broker does not import the AMQP codec; front doors map their own table types to these.
// Values compare as RabbitMQ compares them when matching headers: by value, whatever width
// the client encoded (1 as a short equals 1 as a long, and 1 equals 1.0), strings and byte
// arrays by their bytes.

/// One header or argument value.
public indirect enum ArgumentValue: Sendable, Hashable {
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case decimal(scale: UInt8, value: UInt32)
    case bytes([UInt8])
    case timestamp(UInt64)
    case array([ArgumentValue])
    case table(ArgumentTable)
    case void

    public static func string(_ text: String) -> ArgumentValue { .bytes(Array(text.utf8)) }

    /// The value as text, when it is a string.
    public var string: String? {
        if case .bytes(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    /// The value as an integer, when it is one.
    public var integer: Int64? {
        switch self {
        case .int(let v): return v
        case .timestamp(let v): return Int64(bitPattern: v)
        default: return nil
        }
    }

    /// The AMQP type name RabbitMQ's error texts use. Integers keep no width here, so they
    /// are named as the Python clients encode them: `signedint` within 32 bits, else `long`.
    public var rabbitTypeName: String {
        switch self {
        case .bool: return "bool"
        case .int(let v): return Int32(exactly: v) != nil ? "signedint" : "long"
        case .double: return "double"
        case .decimal: return "decimal"
        case .bytes: return "longstr"
        case .timestamp: return "timestamp"
        case .array: return "array"
        case .table: return "table"
        case .void: return "void"
        }
    }

    /// RabbitMQ's `==` on header values: numbers by value across integer and float types.
    public func matches(_ other: ArgumentValue) -> Bool {
        switch (self, other) {
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): return Double(a) == b
        default: return self == other
        }
    }
}

/// An ordered table of named values (message headers, x-arguments, binding arguments).
public struct ArgumentTable: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    public var entries: [(key: String, value: ArgumentValue)]

    public init() { entries = [] }

    public init(_ entries: [(key: String, value: ArgumentValue)]) { self.entries = entries }

    public init(dictionaryLiteral elements: (String, ArgumentValue)...) {
        entries = elements.map { (key: $0.0, value: $0.1) }
    }

    public subscript(key: String) -> ArgumentValue? {
        entries.first(where: { $0.key == key })?.value
    }

    public var isEmpty: Bool { entries.isEmpty }

    public static func == (lhs: ArgumentTable, rhs: ArgumentTable) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }
}
