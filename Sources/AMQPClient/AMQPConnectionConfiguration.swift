// AMQPConnectionConfiguration.swift: what the client asks for when it connects.
import AMQPProtocol
import NIOCore

/// Settings for one connection: credentials, the limits offered in `tune-ok` and timeouts.
public struct AMQPConnectionConfiguration: Sendable {
    /// User name for SASL PLAIN.
    public var username: String
    /// Password for SASL PLAIN.
    public var password: String
    /// Virtual host opened with `connection.open`.
    public var virtualHost: String
    /// Highest channel number this client wants; the smaller of this and the server's wins
    /// (0 on either side means "no limit", i.e. 65535).
    public var channelMax: UInt16
    /// Largest frame this client wants, framing included; the smaller non-zero value wins.
    public var frameMax: UInt32
    /// Heartbeat interval in seconds this client wants; as RabbitMQ's clients do, the smaller
    /// of the two non-zero values wins, and 0 is chosen only when both sides ask for 0.
    public var heartbeatSeconds: UInt16
    /// Shown by the server as the connection's name (`connection_name` client property).
    public var connectionName: String?
    /// Deadline for the TCP connect.
    public var connectTimeout: TimeAmount
    /// Deadline for the AMQP handshake (protocol header to `open-ok`) and for `close-ok`.
    public var handshakeTimeout: TimeAmount
    /// Deadline for the reply to a synchronous channel method (declare, bind, get...).
    /// When it passes, the call and the channel fail with `timeout`; nil waits forever.
    public var rpcTimeout: TimeAmount?

    /// Creates a configuration; the defaults match RabbitMQ's Java client.
    public init(username: String = "guest", password: String = "guest", virtualHost: String = "/",
                channelMax: UInt16 = 2047, frameMax: UInt32 = AMQPLimits.frameSizeBytesMaxDefault,
                heartbeatSeconds: UInt16 = 60, connectionName: String? = nil,
                connectTimeout: TimeAmount = .seconds(10), handshakeTimeout: TimeAmount = .seconds(10),
                rpcTimeout: TimeAmount? = .seconds(60)) {
        self.username = username
        self.password = password
        self.virtualHost = virtualHost
        self.channelMax = channelMax
        self.frameMax = frameMax
        self.heartbeatSeconds = heartbeatSeconds
        self.connectionName = connectionName
        self.connectTimeout = connectTimeout
        self.handshakeTimeout = handshakeTimeout
        self.rpcTimeout = rpcTimeout
    }

    /// Creates a configuration with the credentials and virtual host of `url`.
    public init(url: AMQPURL) {
        self.init(username: url.username, password: url.password, virtualHost: url.virtualHost)
    }

    /// The client properties sent in `connection.start-ok`.
    var clientProperties: FieldTable {
        var capabilities = FieldTable()
        for name in ["publisher_confirms", "consumer_cancel_notify", "basic.nack",
                     "connection.blocked", "authentication_failure_close", "exchange_exchange_bindings",
                     "per_consumer_qos"] {
            capabilities.entries.append(.init(key: name, value: .bool(true)))
        }
        var table: FieldTable = [
            "product": "Warren AMQPClient",
            "platform": "Swift",
            "version": "0.1.0",
            "information": "https://github.com/warren",
        ]
        table.entries.append(.init(key: "capabilities", value: .table(capabilities)))
        if let connectionName {
            table.entries.append(.init(key: "connection_name", value: .longString(Array(connectionName.utf8))))
        }
        return table
    }
}

/// The limits both sides agreed on in `connection.tune` / `tune-ok`.
public struct AMQPTuning: Equatable, Sendable {
    /// Highest usable channel number.
    public var channelMax: UInt16
    /// Largest frame, framing included.
    public var frameMax: UInt32
    /// Heartbeat interval in seconds; 0 turns heartbeats off.
    public var heartbeatSeconds: UInt16

    /// Creates tuning values.
    public init(channelMax: UInt16, frameMax: UInt32, heartbeatSeconds: UInt16) {
        self.channelMax = channelMax
        self.frameMax = frameMax
        self.heartbeatSeconds = heartbeatSeconds
    }

    /// Negotiates as RabbitMQ's clients do: for channel_max and frame_max, 0 means "no
    /// limit", so the smaller non-zero value wins; for the heartbeat, the smaller non-zero
    /// value wins too (0 only if both sides want 0).
    public static func negotiate(server: Connection.Tune, client: AMQPConnectionConfiguration) -> AMQPTuning {
        func smallerNonZero<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
            if a == 0 { return b }
            if b == 0 { return a }
            return Swift.min(a, b)
        }
        return AMQPTuning(
            channelMax: smallerNonZero(server.channelMax, client.channelMax),
            frameMax: smallerNonZero(server.frameMax, client.frameMax),
            heartbeatSeconds: smallerNonZero(server.heartbeat, client.heartbeatSeconds)
        )
    }
}
