// WarrenServer.swift: the composition root: configuration -> services -> ServiceGroup.
import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle
import UnixSignals
import WarrenAMQP
import WarrenBroker
import WarrenDefinitionsSQLite
import WarrenHTTP

/// A Warren node: builds the event loops and services from a configuration and runs them
/// until SIGTERM or SIGINT, then shuts down gracefully.
public final class WarrenServer: Sendable {
    public let configuration: WarrenConfiguration
    /// Every AMQP listener: the plain one (unless turned off), then the TLS one (if configured).
    public let listeners: [AMQPListener]
    /// The AMQPS listener, when TLS is configured.
    public let tlsListener: AMQPListener?
    /// The first listener (the plain one unless it is turned off).
    public var listener: AMQPListener { listeners[0] }
    public let broker: Broker
    /// The event loops: the broker core runs on the first, connections on all of them
    /// (docs/adr/0005-broker-on-a-connection-loop.md).
    let group: MultiThreadedEventLoopGroup
    let logger: Logger
    let services: ServiceGroup
    let definitions: SQLiteDefinitionsStore
    /// The management API's port once it listens (tests ask for a free one).
    let managementBoundPort = NIOLockedValueBox<Int?>(nil)

    /// The port the management API listens on, once it does.
    public var managementPort: Int? { managementBoundPort.withLockedValue { $0 } }

    /// The process's metrics: swift-metrics is bootstrapped once, with a Prometheus registry
    /// that `/metrics` reads.
    static let metricsRegistry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // fsyncs take tens of microseconds to tens of milliseconds.
        factory.durationHistogramBuckets["warren_fsync_duration_seconds"] = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Builds a node; `signals` start a graceful shutdown (none in tests: call `shutdown()`).
    public init(configuration given: WarrenConfiguration, logger: Logger, signals: [UnixSignal] = [.sigterm, .sigint]) {
        var configuration = given
        // Before the broker makes its metrics, so they reach the Prometheus registry.
        _ = Self.metricsRegistry
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
        var brokerConfiguration = BrokerConfiguration(dataDirectory: configuration.dataDirectory)
        brokerConfiguration.virtualHosts = configuration.amqp.connection.virtualHosts
        brokerConfiguration.messageSizeBytesMax = configuration.maxMessageSizeBytes
        brokerConfiguration.loopbackOnlyUsers = configuration.amqp.connection.loopbackOnlyUsers
        brokerConfiguration.resourceLimits.diskFreeLimitBytes = configuration.diskFreeLimitBytes
        brokerConfiguration.resourceLimits.memoryHighWatermark = configuration.memoryHighWatermark
        // Taken before anything else asks the group, so the broker core has its first loop.
        let loop = group.next()
        self.definitions = SQLiteDefinitionsStore(path: configuration.definitionsPath, eventLoop: loop, logger: logger)
        self.broker = Broker(configuration: brokerConfiguration, loop: loop, logger: logger, definitions: definitions,
                             format: AMQPMessageFormat())
        // Logins on every listener read the broker's users and permissions.
        let broker = self.broker
        configuration.amqp.connection.directory = { broker.userDirectory }
        self.configuration = configuration
        var listeners: [AMQPListener] = []
        if configuration.plainListenerEnabled {
            listeners.append(AMQPListener(configuration: configuration.amqp, group: group, logger: logger, broker: broker))
        }
        if let amqps = configuration.amqpsListener {
            let tls = AMQPListener(configuration: amqps, group: group, logger: logger, broker: broker)
            listeners.append(tls)
            self.tlsListener = tls
        } else {
            self.tlsListener = nil
        }
        precondition(!listeners.isEmpty, "at least one AMQP listener (plain or TLS) must run")
        self.listeners = listeners
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = listeners.map { .init(service: $0) }
        services.append(.init(service: HeapTrimmer()))
        if var management = configuration.management {
            management.productVersion = WarrenVersion.string
            management.metricsRegistry = Self.metricsRegistry
            if configuration.plainListenerEnabled {
                management.listeners.append(.init(protocol: "amqp", port: configuration.amqp.port))
            }
            if let amqps = configuration.amqps { management.listeners.append(.init(protocol: "amqp/ssl", port: amqps.port)) }
            let host = management.host
            let boundPort = self.managementBoundPort
            let api = ManagementAPI.application(
                broker: broker, authenticator: DirectoryUsers(broker: broker), configuration: management,
                group: group, logger: logger, onRunning: { port in
                    boundPort.withLockedValue { $0 = port }
                    logger.info("management API listening", metadata: ["http": "\(host):\(port)"])
                })
            services.append(.init(service: api))
        }
        self.services = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: signals,
                                                          logger: logger))
    }

    /// Users given in the configuration (`--user`) other than the built-in guest: created or
    /// updated at every start, administrators with every permission on `/`.
    private func addConfiguredUsers() async throws {
        for (name, password) in configuration.users.sorted(by: { $0.key < $1.key }) where name != "guest" {
            _ = try await broker.putUser(User(name: name, password: password, tags: ["administrator"])).get()
            _ = try await broker.setPermission(.all, user: name, vhost: "/").get()
        }
    }

    /// Starts a graceful shutdown: connections get 320 CONNECTION_FORCED, then `run` returns.
    public func shutdown() async {
        await services.triggerGracefulShutdown()
    }

    /// Runs until a shutdown signal arrives or `shutdown()` is called.
    public func run() async throws {
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        logger.info("Warren starting", metadata: [
            "version": "\(WarrenVersion.string)",
            "amqp": "\(configuration.plainListenerEnabled ? "\(configuration.amqp.host):\(configuration.amqp.port)" : "off")",
            "amqps": "\(configuration.amqps.map { "\(configuration.amqp.host):\($0.port)" } ?? "off")",
            "data": "\(configuration.dataDirectory)",
            "management": "\(configuration.management.map { "\($0.host):\($0.port)" } ?? "off")",
        ])
        do {
            try await broker.start().get()
            try await addConfiguredUsers()
            try await services.run()
        } catch {
            try? await broker.shutdown().get()
            try? await definitions.close().get()
            try? await group.shutdownGracefully()
            throw error
        }
        try await broker.shutdown().get()
        try await definitions.close().get()
        try await group.shutdownGracefully()
        logger.info("Warren stopped")
    }
}
