// Serve.swift: `warren serve`: run a broker node.
import ArgumentParser
import Logging
import WarrenServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the broker (AMQP on 127.0.0.1:5672 by default).")

    @Option(help: "Address the AMQP listener binds.")
    var host = "127.0.0.1"

    @Option(help: "AMQP port (0 picks a free one).")
    var port = 5672

    @Option(name: .customLong("management-port"), help: "Management HTTP API port (0 picks a free one).")
    var managementPort = 15672

    @Flag(name: .customLong("no-management"), help: "Do not start the management HTTP API.")
    var noManagement = false

    @Option(name: .customLong("data-dir"), help: "Directory for durable state.")
    var dataDirectory = "warren-data"

    @Option(help: "Heartbeat interval offered to clients, in seconds (0 disables).")
    var heartbeat: UInt16 = 60

    @Option(name: .customLong("max-message-size"),
            help: "Largest message body accepted, in bytes (RabbitMQ's max_message_size; at most 536870912).")
    var maxMessageSize = 128 * 1024 * 1024

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535, got \(port)")
        }
        guard (1...536_870_912).contains(maxMessageSize) else {
            throw ValidationError("--max-message-size must be between 1 and 536870912 bytes, got \(maxMessageSize)")
        }
        guard (0...65535).contains(managementPort) else {
            throw ValidationError("--management-port must be between 0 and 65535, got \(managementPort)")
        }
    }

    func run() async throws {
        var logger = Logger(label: "warren")
        logger.logLevel = logLevel
        var configuration = WarrenConfiguration()
        configuration.amqpHost = host
        configuration.amqpPort = port
        configuration.heartbeatSeconds = heartbeat
        configuration.dataDirectory = dataDirectory
        configuration.maxMessageSizeBytes = maxMessageSize
        configuration.managementHost = host
        configuration.managementPort = managementPort
        configuration.managementEnabled = !noManagement
        try await WarrenServer(configuration: configuration, logger: logger).run()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
