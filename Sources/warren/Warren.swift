// Warren.swift: the `warren` command: argument parsing only.
import ArgumentParser
import Foundation

@main
struct Warren: AsyncParsableCommand {
    /// `serve` reads its config file and environment first (see ServeArguments.swift).
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let isServe = arguments.first.map { $0 == "serve" || $0.hasPrefix("-") && !["-h", "--help"].contains($0) } ?? true
        if isServe {
            let serveArguments = arguments.first == "serve" ? Array(arguments.dropFirst()) : arguments
            do {
                arguments = ["serve"] + (try ServeArguments.merge(commandLine: serveArguments,
                                                                   environment: ProcessInfo.processInfo.environment))
            } catch {
                exit(withError: ValidationError("\(error)"))
            }
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "warren",
        abstract: "A RabbitMQ-compatible message broker on a durable, partitioned log.",
        subcommands: [Serve.self, Ctl.self, Definitions.self, Perf.self],
        defaultSubcommand: Serve.self)
}
