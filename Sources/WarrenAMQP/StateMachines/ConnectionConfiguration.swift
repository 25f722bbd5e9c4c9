// ConnectionConfiguration.swift: what the server offers in connection.start and connection.tune.
import AMQPProtocol
import NIOCore
import WarrenBroker

/// Settings of the AMQP front door that a connection's state machine needs.
public struct ConnectionConfiguration: Sendable {
    /// Highest channel number offered in `connection.tune` (RabbitMQ's default).
    public var channelMax: UInt16 = 2047
    /// frame_max offered in `connection.tune`.
    public var frameMax: UInt32 = AMQPLimits.frameSizeBytesMaxDefault
    /// Heartbeat interval offered in `connection.tune`, in seconds; 0 disables.
    public var heartbeatSeconds: UInt16 = 60
    /// Seconds a client has to complete the handshake (header to `connection.open`).
    public var handshakeTimeoutSeconds: Int64 = 10
    /// Largest message body a publish may declare (RabbitMQ's `max_message_size`): larger ones
    /// close the channel with 406 before their body is buffered.
    public var messageSizeBytesMax = ConnectionConfiguration.messageSizeBytesMaxDefault
    /// RabbitMQ 3.10's default `max_message_size`, 128 MiB.
    public static let messageSizeBytesMaxDefault = 128 * 1024 * 1024
    /// RabbitMQ's ceiling for `max_message_size`, 512 MiB.
    public static let messageSizeBytesMaxCeiling = 512 * 1024 * 1024
    /// The broker's users and permissions (`Broker.userDirectory`), read at login; without one
    /// (front-door tests), `users` and `loopbackOnlyUsers` below decide and every vhost is open.
    public var directory: (@Sendable () -> UserDirectory)?
    /// Where EXTERNAL takes the user name from, on TLS connections (set by the TLS listener).
    public var externalLoginFrom = ExternalLoginSource.commonName
    /// How long a refused login waits before the connection closes (guessing passwords slowly).
    public var failedLoginDelay: TimeAmount = .seconds(1)
    /// Publishes of one connection handed to the broker and not yet stored, at most: past it
    /// (or past `publishBytesInFlightMax`) the connection stops reading its socket until half
    /// have been stored, so TCP back-pressure slows a publisher faster than storage.
    public var publishesInFlightMax = 2_048
    /// Body bytes of those publishes, at most (64 MiB).
    public var publishBytesInFlightMax = 64 << 20
    /// Users and their passwords.
    public var users: [String: String] = ["guest": "guest"]
    /// Users that may log in from loopback addresses only (RabbitMQ's `loopback_users`).
    public var loopbackOnlyUsers: Set<String> = ["guest"]
    /// Virtual hosts a client may open.
    public var virtualHosts: Set<String> = ["/"]
    /// Name reported as `cluster_name`.
    public var clusterName = "warren@localhost"
    /// Version reported in server properties.
    public var version = WarrenVersion.string

    public init() {}

    /// The `connection.start` this server sends on a plain connection.
    public var start: Connection.Start { start(offeringExternal: false) }

    /// The `connection.start` this server sends; `EXTERNAL` comes first when the client
    /// presented a verified certificate (TLS), as RabbitMQ's auth_mechanism_ssl lists it.
    public func start(offeringExternal: Bool) -> Connection.Start {
        let capabilities: FieldTable = [
            "publisher_confirms": true, "exchange_exchange_bindings": true, "basic.nack": true,
            "consumer_cancel_notify": true, "connection.blocked": true, "consumer_priorities": true,
            "authentication_failure_close": true, "per_consumer_qos": true, "direct_reply_to": true,
        ]
        let properties: FieldTable = [
            "capabilities": .table(capabilities),
            "cluster_name": .longString(Array(clusterName.utf8)),
            "copyright": "Warren contributors",
            "information": "Warren: a RabbitMQ-compatible broker on a partitioned log",
            "platform": "Swift",
            "product": "Warren",
            "version": .longString(Array(version.utf8)),
        ]
        let mechanisms = offeringExternal ? "EXTERNAL PLAIN AMQPLAIN" : "PLAIN AMQPLAIN"
        return .init(serverProperties: properties, mechanisms: Array(mechanisms.utf8),
                     locales: Array("en_US".utf8))
    }

    /// The `connection.tune` this server sends.
    public var tune: Connection.Tune {
        .init(channelMax: channelMax, frameMax: frameMax, heartbeat: heartbeatSeconds)
    }
}

/// Warren's version.
public enum WarrenVersion {
    public static let string = "0.1.0"
}
