// Serve.swift: `warren serve`: run a broker node.
import ArgumentParser
import Foundation
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

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: turns on the AMQPS (TLS) listener.")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("tls-ca"), help: "PEM CA bundle client certificates are verified against.")
    var tlsCA: String?

    @Option(name: .customLong("tls-port"), help: "AMQPS port.")
    var tlsPort = 5671

    @Flag(name: .customLong("tls-verify-peer"), help: "Ask clients for a certificate and verify it (verify_peer).")
    var tlsVerifyPeer = false

    @Flag(name: .customLong("tls-fail-if-no-peer-cert"), help: "Refuse TLS clients without a certificate.")
    var tlsFailIfNoPeerCertificate = false

    @Option(name: .customLong("tls-login-from"),
            help: "Where EXTERNAL takes the user name: common_name, san:dns, san:email or san:uri.")
    var tlsLoginFrom = "common_name"

    @Flag(name: .customLong("no-plain"), help: "Do not listen for plain (non-TLS) AMQP.")
    var noPlain = false

    @Option(name: .customLong("loopback-users"),
            help: "Users allowed from loopback only, comma-separated (RabbitMQ's loopback_users; 'none' for nobody).")
    var loopbackUsers = "guest"

    @Option(name: .customLong("user"), help: "An extra user, NAME:PASSWORD (repeatable; guest/guest always exists).")
    var users: [String] = []

    @Option(name: .customLong("max-connections"), help: "The node's connection limit (connection_max); none by default.")
    var maxConnections: Int?

    @Option(name: .customLong("channel-max"), help: "Highest channel number offered to clients (1-65535).")
    var channelMax = 2047

    @Option(name: .customLong("frame-max"), help: "Largest frame offered to clients, in bytes (4096-1048576).")
    var frameMax = 131_072

    @Option(name: .customLong("event-loops"),
            help: "Event loop threads (1-256): the broker core runs on the first, connections on all. Default: one fewer than the cores, at least 1.")
    var eventLoops: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(name: .customLong("disk-free-limit"),
            help: "Free disk space below which publishers are blocked (disk_free_limit): bytes, or with kB, MB, GB (1000s) or KiB, MiB, GiB.")
    var diskFreeLimit = "50MB"

    @Option(name: .customLong("vm-memory-high-watermark"),
            help: "Memory use, as a fraction of physical memory, above which publishers are blocked (vm_memory_high_watermark).")
    var memoryHighWatermark = 0.4

    @Option(help: "A config file of `key = value` lines named as these options (also WARREN_CONFIG). Precedence: flags, then WARREN_* environment variables, then the file.")
    var config: String?

    /// Every long option above (the config file's and environment's keys).
    static let optionNames: Set<String> = [
        "host", "port", "management-port", "no-management", "data-dir", "heartbeat", "max-message-size", "tls-cert",
        "tls-key", "tls-ca", "tls-port", "tls-verify-peer", "tls-fail-if-no-peer-cert", "tls-login-from", "no-plain",
        "loopback-users", "user", "max-connections", "channel-max", "frame-max", "log-level", "disk-free-limit",
        "vm-memory-high-watermark", "event-loops", "config",
    ]

    /// `disk-free-limit` in bytes: a number, optionally with RabbitMQ's units.
    static func bytes(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("GB", 1_000_000_000),
                                        ("MB", 1_000_000), ("kB", 1000), ("KB", 1000), ("B", 1)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            return Int64(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)).flatMap { $0 >= 0 ? $0 * factor : nil }
        }
        return Int64(text).flatMap { $0 >= 0 ? $0 : nil }
    }

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535, got \(port)")
        }
        guard (1...536_870_912).contains(maxMessageSize) else {
            throw ValidationError("--max-message-size must be between 1 and 536870912 bytes, got \(maxMessageSize)")
        }
        guard ["common_name", "san:dns", "san:email", "san:uri"].contains(tlsLoginFrom) else {
            throw ValidationError("--tls-login-from must be common_name, san:dns, san:email or san:uri, got '\(tlsLoginFrom)'")
        }
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        for (option, path) in [("--tls-cert", tlsCertificate), ("--tls-key", tlsKey), ("--tls-ca", tlsCA)] {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                throw ValidationError("\(option): cannot read \(path)")
            }
        }
        if tlsCertificate == nil && (noPlain || tlsVerifyPeer || tlsFailIfNoPeerCertificate || tlsCA != nil) {
            throw ValidationError("--no-plain, --tls-ca, --tls-verify-peer and --tls-fail-if-no-peer-cert need --tls-cert")
        }
        if tlsVerifyPeer && tlsCA == nil { throw ValidationError("--tls-verify-peer needs --tls-ca") }
        if tlsFailIfNoPeerCertificate && !tlsVerifyPeer {
            throw ValidationError("--tls-fail-if-no-peer-cert needs --tls-verify-peer")
        }
        guard (0...65535).contains(tlsPort) else {
            throw ValidationError("--tls-port must be between 0 and 65535, got \(tlsPort)")
        }
        for user in users where user.split(separator: ":", maxSplits: 1).count != 2 || user.hasPrefix(":") {
            throw ValidationError("--user must be NAME:PASSWORD, got '\(user)'")
        }
        if let maxConnections, maxConnections < 0 {
            throw ValidationError("--max-connections must be 0 or more, got \(maxConnections)")
        }
        guard (1...65535).contains(channelMax) else { throw ValidationError("--channel-max must be between 1 and 65535, got \(channelMax)") }
        guard (4096...1_048_576).contains(frameMax) else {
            throw ValidationError("--frame-max must be between 4096 and 1048576, got \(frameMax)")
        }
        guard Self.bytes(diskFreeLimit) != nil else {
            throw ValidationError("--disk-free-limit must be a number of bytes, optionally with kB, MB, GB, KiB, MiB or GiB, got '\(diskFreeLimit)'")
        }
        guard memoryHighWatermark > 0 && memoryHighWatermark <= 1 else {
            throw ValidationError("--vm-memory-high-watermark must be a fraction above 0 and at most 1, got \(memoryHighWatermark)")
        }
        if let eventLoops, !(1...256).contains(eventLoops) {
            throw ValidationError("--event-loops must be between 1 and 256, got \(eventLoops)")
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
        configuration.loopbackOnlyUsers = loopbackUsers == "none"
            ? [] : Set(loopbackUsers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        configuration.maxConnections = maxConnections
        configuration.channelMax = UInt16(channelMax)
        configuration.frameMax = UInt32(frameMax)
        for user in users {
            let parts = user.split(separator: ":", maxSplits: 1).map(String.init)
            configuration.users[parts[0]] = parts[1]
        }
        if let tlsCertificate, let tlsKey {
            do {
                try configuration.enableTLS(port: tlsPort, certificateChainPath: tlsCertificate, privateKeyPath: tlsKey,
                                            caCertificatesPath: tlsCA, verifyPeer: tlsVerifyPeer,
                                            failIfNoPeerCertificate: tlsFailIfNoPeerCertificate,
                                            externalLoginFrom: tlsLoginFrom)
            } catch {
                throw ValidationError("--tls-login-from: \(error)")
            }
            configuration.plainListenerEnabled = !noPlain
        }
        configuration.diskFreeLimitBytes = Self.bytes(diskFreeLimit)!
        configuration.memoryHighWatermark = memoryHighWatermark
        configuration.managementHost = host
        configuration.managementPort = managementPort
        configuration.managementEnabled = !noManagement
        if let eventLoops { configuration.eventLoopThreads = eventLoops }
        try await WarrenServer(configuration: configuration, logger: logger).run()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
