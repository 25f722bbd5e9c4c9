// Definitions.swift: `warren definitions import FILE` and `export`, through the management API.
import ArgumentParser
import Foundation

struct Definitions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import or export definitions (RabbitMQ 3.x's format) on a running Warren.",
        subcommands: [Import.self, Export.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a definitions file, all or nothing, and print what was created.")
        @Argument(help: "A definitions JSON file, as RabbitMQ's `rabbitmqadmin export` or the management UI writes.")
        var file: String
        @OptionGroup var options: ManagementOptions

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            guard let body = try? JSONSerialization.jsonObject(with: data) else { throw ValidationError("\(file) is not JSON") }
            let report = try await options.client.call("POST", "/api/definitions?report=true", body: body) as? [String: Any] ?? [:]
            if options.json {
                let out = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: out, as: UTF8.self))
                return
            }
            for (title, key) in [("created", "created"), ("already there", "unchanged")] {
                let counts = (report[key] as? [String: Any]) ?? [:]
                let text = counts.keys.sorted().map { "\($0) \(Table.text(counts[$0]))" }.joined(separator: ", ")
                print("\(title): \(text.isEmpty ? "nothing" : text)")
            }
            for skipped in (report["skipped"] as? [String]) ?? [] { print("skipped: \(skipped)") }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the definitions as JSON (to FILE, or standard output).")
        @Argument var file: String?
        @OptionGroup var options: ManagementOptions

        func run() async throws {
            let definitions = try await options.client.call("GET", "/api/definitions") ?? [:]
            let data = try JSONSerialization.data(withJSONObject: definitions, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            if let file {
                guard FileManager.default.createFile(atPath: file, contents: data) else { throw ValidationError("cannot write \(file)") }
            } else {
                print(String(decoding: data, as: UTF8.self))
            }
        }
    }
}
