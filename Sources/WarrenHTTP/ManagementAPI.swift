// ManagementAPI.swift: the management HTTP API as a Service (RabbitMQ's port 15672).
import Hummingbird
import Logging
import NIOCore
import Prometheus
import WarrenBroker

/// Where the management API listens.
public struct ManagementConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 15672, RabbitMQ's; 0 picks a free one.
    public var port = 15672
    /// What `/api/overview` reports: the node's version and its protocol listeners.
    public var productVersion = "unknown"
    public var listeners: [Listener] = []
    /// Where `/metrics` comes from: the registry the process's swift-metrics backend writes to
    /// (fsync latency), which the route fills with the broker's figures at each scrape.
    public var metricsRegistry = PrometheusCollectorRegistry()
    public init() {}

    public struct Listener: Sendable {
        public var `protocol`: String
        public var port: Int
        public init(protocol: String, port: Int) {
            self.protocol = `protocol`
            self.port = port
        }
    }
}

/// Builds the management API application (a `Service`) for `broker`.
public enum ManagementAPI {
    /// The router alone (tests drive it in memory).
    public static func router(broker: Broker, authenticator: any ManagementAuthenticator,
                              configuration: ManagementConfiguration = .init()) -> Router<ManagementRequestContext> {
        let router = Router(context: ManagementRequestContext.self)
        router.add(middleware: BasicAuthentication(authenticator: authenticator))
        MetricsRoutes(broker: broker, collector: MetricsCollector(registry: configuration.metricsRegistry)).register(on: router)
        let api = router.group("api")
        PolicyRoutes(broker: broker).register(on: api)
        UserRoutes(broker: broker).register(on: api)
        UserRoutes(broker: broker).registerTopicPermissions(on: api)
        LimitRoutes(broker: broker).register(on: api)
        HealthRoutes(broker: broker).register(on: api)
        OverviewRoutes(broker: broker, configuration: configuration).register(on: api)
        ExchangeRoutes(broker: broker).register(on: api)
        QueueRoutes(broker: broker).register(on: api)
        BindingRoutes(broker: broker).register(on: api)
        ClientRoutes(broker: broker).register(on: api)
        DefinitionRoutes(broker: broker, configuration: configuration).register(on: api)
        return router
    }

    /// The HTTP server; `onRunning` learns the bound port (0 asks for a free one).
    public static func application(
        broker: Broker, authenticator: any ManagementAuthenticator, configuration: ManagementConfiguration,
        group: any EventLoopGroup, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(broker: broker, authenticator: authenticator, configuration: configuration),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Warren"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
            eventLoopGroupProvider: .shared(group), logger: logger)
    }
}
