// ServeArguments.swift: where `warren serve`'s settings come from, and which wins: command-line
// flags over environment variables (`WARREN_PORT`, `WARREN_DATA_DIR`, …) over the config file
// (`--config FILE` or `WARREN_CONFIG`) over the built-in defaults.
import ArgumentParser
import Foundation

enum ServeArguments {
    /// Options that are flags (no value); in the file and environment they take true/false.
    static let flags: Set<String> = ["no-management", "no-plain", "tls-verify-peer", "tls-fail-if-no-peer-cert"]
    /// Options that may be given more than once; every source's values are kept.
    static let repeatable: Set<String> = ["user"]

    /// The long option names `warren serve` has (without `--`).
    static var known: Set<String> { Serve.optionNames }

    /// The environment variable of an option: `data-dir` is `WARREN_DATA_DIR`.
    static func environmentName(_ key: String) -> String {
        "WARREN_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The arguments to parse `serve` with: the file's, then the environment's, then the
    /// command line's, with each single-valued option kept once (the last source wins).
    static func merge(commandLine: [String], environment: [String: String]) throws -> [String] {
        var configPath = environment["WARREN_CONFIG"]
        if let index = commandLine.firstIndex(of: "--config") {
            guard index + 1 < commandLine.count else { throw ConfigFileError(description: "--config needs a file") }
            configPath = commandLine[index + 1]
        } else if let given = commandLine.first(where: { $0.hasPrefix("--config=") }) {
            configPath = String(given.dropFirst("--config=".count))
        }
        var sources: [[(key: String, value: String?)]] = []
        if let configPath {
            guard let data = FileManager.default.contents(atPath: configPath) else {
                throw ConfigFileError(description: "cannot read config file \(configPath)")
            }
            var fromFile: [(key: String, value: String?)] = []
            for entry in try ConfigFile.parse(String(decoding: data, as: UTF8.self), path: configPath) {
                guard known.contains(entry.key), entry.key != "config" else {
                    throw ConfigFileError(description: "\(configPath):\(entry.line): unknown key '\(entry.key)' (see warren serve --help)")
                }
                fromFile += try pairs(entry.key, entry.value, source: "\(configPath):\(entry.line)")
            }
            sources.append(fromFile)
        }
        var fromEnvironment: [(key: String, value: String?)] = []
        for key in known.sorted() where key != "config" {
            if let value = environment[environmentName(key)] {
                fromEnvironment += try pairs(key, value, source: environmentName(key))
            }
        }
        sources.append(fromEnvironment)
        // Everything given on the command line stays as given (ArgumentParser checks it).
        let given = Set(commandLine.compactMap { argument -> String? in
            guard argument.hasPrefix("--") else { return nil }
            return String(argument.dropFirst(2).split(separator: "=", maxSplits: 1).first ?? "")
        })
        var merged: [String] = []
        var seen: Set<String> = []
        for source in sources.reversed() {
            for (key, value) in source.reversed() where !given.contains(key) || repeatable.contains(key) {
                if repeatable.contains(key) || !seen.contains(key) {
                    seen.insert(key)
                    merged = (value.map { ["--\(key)", $0] } ?? ["--\(key)"]) + merged
                }
            }
        }
        var rest = commandLine
        if let index = rest.firstIndex(of: "--config") { rest.removeSubrange(index...min(index + 1, rest.count - 1)) }
        rest.removeAll { $0.hasPrefix("--config=") }
        return merged + rest
    }

    /// One setting as arguments; a flag's value must be true or false.
    private static func pairs(_ key: String, _ value: String, source: String) throws -> [(key: String, value: String?)] {
        guard flags.contains(key) else { return [(key, value)] }
        switch value.lowercased() {
        case "true", "yes", "1": return [(key, nil)]
        case "false", "no", "0": return []
        default: throw ConfigFileError(description: "\(source): \(key) must be true or false, got '\(value)'")
        }
    }
}
