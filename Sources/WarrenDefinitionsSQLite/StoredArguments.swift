// StoredArguments.swift: x-arguments and binding arguments as JSON text in the database.
//
// Every value is a one-key object naming its type, so a table reads back exactly as declared
// (an AMQP long stays a long, a byte array stays bytes):
//   {"s":"text"}  UTF-8 string      {"x":"base64"}  other bytes      {"i":5}   integer
//   {"f":1.5}     float             {"t":true}      boolean          {"ts":7}  timestamp
//   {"d":[2,150]} decimal (scale, value)            {"a":[...]} array   {"m":[["k",{...}],...]} table
//   {"v":0}       void
// A table is a list of [key, value] pairs, in declaration order.
import Foundation
import WarrenBroker

/// JSON form of one argument value.
struct StoredArgument: Codable {
    var value: ArgumentValue

    init(_ value: ArgumentValue) { self.value = value }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch value {
        case .bool(let v): try container.encode(v, forKey: Key(stringValue: "t"))
        case .int(let v): try container.encode(v, forKey: Key(stringValue: "i"))
        case .double(let v): try container.encode(v, forKey: Key(stringValue: "f"))
        case .decimal(let scale, let v): try container.encode([UInt32(scale), v], forKey: Key(stringValue: "d"))
        case .bytes(let bytes):
            if let text = String(validating: bytes, as: UTF8.self) {
                try container.encode(text, forKey: Key(stringValue: "s"))
            } else {
                try container.encode(Data(bytes).base64EncodedString(), forKey: Key(stringValue: "x"))
            }
        case .timestamp(let v): try container.encode(v, forKey: Key(stringValue: "ts"))
        case .array(let values): try container.encode(values.map(StoredArgument.init), forKey: Key(stringValue: "a"))
        case .table(let table): try container.encode(StoredTable(table), forKey: Key(stringValue: "m"))
        case .void: try container.encode(0, forKey: Key(stringValue: "v"))
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        guard let key = container.allKeys.first, container.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "one type key expected"))
        }
        switch key.stringValue {
        case "t": value = .bool(try container.decode(Bool.self, forKey: key))
        case "i": value = .int(try container.decode(Int64.self, forKey: key))
        case "f": value = .double(try container.decode(Double.self, forKey: key))
        case "d":
            let parts = try container.decode([UInt32].self, forKey: key)
            guard parts.count == 2, parts[0] <= UInt8.max else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "decimal is [scale, value]")
            }
            value = .decimal(scale: UInt8(parts[0]), value: parts[1])
        case "s": value = .bytes(Array(try container.decode(String.self, forKey: key).utf8))
        case "x":
            guard let data = Data(base64Encoded: try container.decode(String.self, forKey: key)) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "bad base64")
            }
            value = .bytes(Array(data))
        case "ts": value = .timestamp(try container.decode(UInt64.self, forKey: key))
        case "a": value = .array(try container.decode([StoredArgument].self, forKey: key).map(\.value))
        case "m": value = .table(try container.decode(StoredTable.self, forKey: key).table)
        case "v": value = .void
        default:
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "unknown type key")
        }
    }
}

/// JSON form of an argument table: [[key, value], ...].
struct StoredTable: Codable {
    var table: ArgumentTable

    init(_ table: ArgumentTable) { self.table = table }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for (key, value) in table.entries {
            var pair = container.nestedUnkeyedContainer()
            try pair.encode(key)
            try pair.encode(StoredArgument(value))
        }
    }

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var entries: [(key: String, value: ArgumentValue)] = []
        while !container.isAtEnd {
            var pair = try container.nestedUnkeyedContainer()
            let key = try pair.decode(String.self)
            entries.append((key, try pair.decode(StoredArgument.self).value))
        }
        table = ArgumentTable(entries)
    }

    static func json(_ table: ArgumentTable) throws -> String {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(StoredTable(table)), as: UTF8.self)
    }

    static func table(json: String) throws -> ArgumentTable {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(StoredTable.self, from: Data(json.utf8)).table
    }
}
