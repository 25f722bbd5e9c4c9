// Warren.swift: the `warren` command: argument parsing only.
import ArgumentParser

@main
struct Warren: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warren",
        abstract: "A RabbitMQ-compatible message broker on a durable, partitioned log.",
        subcommands: [Serve.self, Ctl.self, Definitions.self],
        defaultSubcommand: Serve.self)
}
