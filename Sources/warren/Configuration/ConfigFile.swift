// ConfigFile.swift: `warren.conf`: one `key = value` per line, keys named as `warren serve`'s
// long options (without `--`), `#` starts a comment. Flags take `true` or `false`.
import Foundation

struct ConfigFileError: Error, CustomStringConvertible {
    var description: String
}

enum ConfigFile {
    /// The entries of `text` in order, as (key, value, line number).
    static func parse(_ text: String, path: String) throws -> [(key: String, value: String, line: Int)] {
        var entries: [(key: String, value: String, line: Int)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw ConfigFileError(description: "\(path):\(index + 1): expected 'key = value', got '\(trimmed)'")
            }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            guard !key.isEmpty else { throw ConfigFileError(description: "\(path):\(index + 1): missing key before '='") }
            entries.append((key, value, index + 1))
        }
        return entries
    }
}
