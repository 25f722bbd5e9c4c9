// AMQPListener.swift: the TCP listener for AMQP, run as a Service.
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import WarrenBroker

/// Where and how the AMQP front door listens.
public struct AMQPListenerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var connection: ConnectionConfiguration
    /// Seconds connections get to finish closing at shutdown before their sockets are cut.
    public var shutdownGraceSeconds: Int64 = 5
    /// TLS (AMQPS) settings; nil for a plain listener.
    public var tls: AMQPTLSConfiguration?
    /// The node's connection limit, shared with the node's other listeners; nil: no limit.
    public var connectionSlots: ConnectionSlots?

    public init(host: String = "127.0.0.1", port: Int = 5672, connection: ConnectionConfiguration = .init()) {
        self.host = host
        self.port = port
        self.connection = connection
    }
}

/// Accepts AMQP connections; on graceful shutdown stops accepting, closes every connection
/// with 320 CONNECTION_FORCED and waits (bounded) for them to go.
public final class AMQPListener: Service, Sendable {
    let configuration: AMQPListenerConfiguration
    let group: any EventLoopGroup
    let logger: Logger
    let broker: Broker?
    let registry = ConnectionRegistry()
    private let bound: EventLoopPromise<SocketAddress>

    public init(configuration: AMQPListenerConfiguration, group: any EventLoopGroup, logger: Logger,
                broker: Broker? = nil) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
        self.broker = broker
        self.bound = group.any().makePromise()
    }

    /// The address the listener bound (useful with port 0).
    public var boundAddress: EventLoopFuture<SocketAddress> { bound.futureResult }

    /// Number of open client connections.
    public var connectionCount: Int { registry.count }

    public func run() async throws {
        let serverChannel: any Channel
        do {
            let sslContext = try configuration.tls?.makeContext()
            serverChannel = try await makeBootstrap(sslContext: sslContext)
                .bind(host: configuration.host, port: configuration.port).get()
        } catch {
            bound.fail(error)
            throw error
        }
        bound.succeed(serverChannel.localAddress!)
        logger.info(configuration.tls == nil ? "AMQP listening" : "AMQPS (TLS) listening",
                    metadata: ["address": "\(serverChannel.localAddress!)"])
        await withGracefulShutdownHandler {
            try? await serverChannel.closeFuture.get()
        } onGracefulShutdown: {
            serverChannel.close(promise: nil)
        }
        await closeConnections()
    }

    private func makeBootstrap(sslContext: NIOSSLContext?) -> ServerBootstrap {
        let registry = self.registry
        let handshakeTimeout = configuration.tls?.handshakeTimeout ?? .seconds(5)
        let connection = configuration.connection
        let logger = self.logger
        let broker = self.broker
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { [connectionSlots = configuration.connectionSlots] channel in
                if let connectionSlots {
                    guard connectionSlots.take() else {
                        logger.warning("connection refused", metadata: [
                            "peer": "\(channel.remoteAddress.map { "\($0)" } ?? "?")",
                            "reason": "node connection limit (\(connectionSlots.limit)) is reached"])
                        return channel.eventLoop.makeFailedFuture(ConnectionLimitReached(limit: connectionSlots.limit))
                    }
                    channel.closeFuture.whenComplete { _ in connectionSlots.give() }
                }
                let id = registry.add(channel)
                var connectionLogger = logger
                connectionLogger[metadataKey: "peer"] = "\(channel.remoteAddress.map { "\($0)" } ?? "?")"
                let handler = AMQPConnectionHandler(
                    configuration: connection, peerIsLoopback: channel.remoteAddress?.isLoopback ?? false,
                    logger: connectionLogger, broker: broker, connectionID: id)
                handler.isTLS = sslContext != nil
                return channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                        try channel.pipeline.syncOperations.addHandler(TLSHandshakeTimeoutHandler(timeout: handshakeTimeout))
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
    }

    private func closeConnections() async {
        let channels = registry.all
        guard !channels.isEmpty else { return }
        logger.info("closing connections for shutdown", metadata: ["count": "\(channels.count)"])
        for channel in channels {
            channel.pipeline.fireUserInboundEventTriggered(ServerShutdownEvent())
        }
        let deadline = group.any().scheduleTask(in: .seconds(configuration.shutdownGraceSeconds)) {
            for channel in channels { channel.close(promise: nil) }
        }
        for channel in channels { try? await channel.closeFuture.get() }
        deadline.cancel()
    }
}

extension SocketAddress {
    /// True for 127.0.0.0/8 and ::1 (and IPv4-mapped loopback).
    var isLoopback: Bool {
        guard let ip = ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
