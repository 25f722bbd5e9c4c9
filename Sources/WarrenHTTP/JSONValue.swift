// JSONValue.swift: JSON of any shape, as the management API reads and writes it, and its
// mapping to the broker's argument values (policy definitions, x-arguments).
import WarrenBroker

/// One JSON value. Integers stay integers (`1` is not `1.0`), as RabbitMQ's validators expect.
public indirect enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int64.self) {
            self = .int(number)
        } else if let number = try? container.decode(Double.self) {
            self = .double(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let values = try? container.decode([JSONValue].self) {
            self = .array(values)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .int(let number): try container.encode(number)
        case .double(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let values): try container.encode(values)
        case .object(let members): try container.encode(members)
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The value as the broker holds arguments; objects become tables in key order.
    var argument: ArgumentValue {
        switch self {
        case .null: return .void
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .double(let number): return .double(number)
        case .string(let text): return .string(text)
        case .array(let values): return .array(values.map(\.argument))
        case .object(let members): return .table(ArgumentTable.sorted(members.mapValues(\.argument)))
        }
    }

    init(_ argument: ArgumentValue) {
        switch argument {
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(number)
        case .double(let number): self = .double(number)
        case .decimal(let scale, let value): self = .double(Double(value) / pow10(scale))
        case .bytes: self = .string(argument.string ?? "")
        case .timestamp(let seconds): self = .int(Int64(truncatingIfNeeded: seconds))
        case .array(let values): self = .array(values.map(JSONValue.init))
        case .table(let table): self = .object(JSONValue.members(table))
        case .void: self = .null
        }
    }

    static func members(_ table: ArgumentTable) -> [String: JSONValue] {
        Dictionary(table.entries.map { ($0.key, JSONValue($0.value)) }, uniquingKeysWith: { _, last in last })
    }
}

private func pow10(_ exponent: UInt8) -> Double {
    (0..<exponent).reduce(1.0) { value, _ in value * 10 }
}

extension ArgumentTable {
    /// A table from a dictionary, keys in sort order (so equal dictionaries give equal tables).
    static func sorted(_ members: [String: ArgumentValue]) -> ArgumentTable {
        ArgumentTable(members.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })
    }
}
