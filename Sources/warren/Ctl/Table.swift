// Table.swift: rows printed as an aligned table for people, or as JSON for scripts.
import Foundation

enum Table {
    /// Prints `rows` with `columns` (dotted paths into nested objects), or as JSON.
    static func print(_ rows: [[String: Any]], columns: [String], json: Bool) throws {
        if json {
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            Swift.print(String(decoding: data, as: UTF8.self))
            return
        }
        let cells = rows.map { row in columns.map { text(value(row, at: $0)) } }
        let widths = columns.indices.map { index in
            max(columns[index].count, cells.map { $0[index].count }.max() ?? 0)
        }
        func line(_ values: [String]) -> String {
            zip(values, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        Swift.print(line(columns))
        for row in cells { Swift.print(line(row)) }
    }

    static func value(_ row: [String: Any], at path: String) -> Any? {
        var current: Any? = row
        for key in path.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
        return current
    }

    static func text(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return ""
        case let text as String: return text
        case let number as NSNumber:
            // JSON booleans decode as a boolean subclass of NSNumber.
            return "\(type(of: number))".contains("Boolean") ? (number.boolValue ? "true" : "false") : number.stringValue
        case let list as [Any]: return list.map { text($0) }.joined(separator: ",")
        case let object as [String: Any]:
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        default: return "\(value!)"
        }
    }
}
