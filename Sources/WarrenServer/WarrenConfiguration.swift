// WarrenConfiguration.swift: everything `warren serve` can be told.
import NIOCore
import WarrenAMQP
import WarrenHTTP

/// Configuration of one Warren node.
public struct WarrenConfiguration: Sendable {
    /// The AMQP front door (its `connection` settings hold for the TLS listener too).
    public var amqp = AMQPListenerConfiguration()
    /// Whether the plain (non-TLS) listener runs; it may be turned off when TLS is on.
    public var plainListenerEnabled = true
    /// The AMQPS listener (RabbitMQ's 5671) and its TLS settings; nil turns it off.
    public var amqps: (port: Int, tls: AMQPTLSConfiguration)?
    /// The management HTTP API; nil turns it off.
    public var management: ManagementConfiguration? = ManagementConfiguration()
    /// Where durable state lives; created on start if missing.
    public var dataDirectory = "warren-data"
    /// Event loops (threads): the broker core runs on the first, connections on all of them.
    /// Defaults to one fewer than the cores (at least one), leaving a core for the flusher's
    /// fsyncs and the kernel's network and disk work.
    public var eventLoopThreads = WarrenConfiguration.defaultEventLoops(cores: System.coreCount)

    /// The default number of event loops on a machine with `cores` cores.
    public static func defaultEventLoops(cores: Int) -> Int { max(1, cores - 1) }
    /// Resource alarms: free disk space below this blocks publishers (RabbitMQ's 50 MB default).
    public var diskFreeLimitBytes: Int64 = 50_000_000
    /// Memory use above this fraction of physical memory blocks publishers.
    public var memoryHighWatermark = 0.4

    public init() {}

    /// The definitions database (durable exchanges, queues, bindings), in the data directory.
    public var definitionsPath: String { dataDirectory + "/definitions.sqlite3" }
}


extension WarrenConfiguration {
    /// Address the AMQP listener binds.
    public var amqpHost: String {
        get { amqp.host }
        set { amqp.host = newValue }
    }

    /// AMQP port (0 picks a free one).
    public var amqpPort: Int {
        get { amqp.port }
        set { amqp.port = newValue }
    }

    /// Largest message body accepted (RabbitMQ's `max_message_size`): the AMQP front door refuses
    /// a larger publish with 406 as soon as its header declares the size; the broker checks too.
    public var maxMessageSizeBytes: Int {
        get { amqp.connection.messageSizeBytesMax }
        set { amqp.connection.messageSizeBytesMax = newValue }
    }

    /// The node's connection limit across listeners (RabbitMQ's `connection_max`); nil: none.
    public var maxConnections: Int? {
        get { amqp.connectionSlots?.limit }
        set { amqp.connectionSlots = newValue.map(ConnectionSlots.init(limit:)) }
    }

    /// Highest channel number offered (RabbitMQ's `channel_max`, 2047).
    public var channelMax: UInt16 {
        get { amqp.connection.channelMax }
        set { amqp.connection.channelMax = newValue }
    }

    /// Largest frame offered (RabbitMQ's `frame_max`, 131072).
    public var frameMax: UInt32 {
        get { amqp.connection.frameMax }
        set { amqp.connection.frameMax = newValue }
    }

    /// Users that may log in from loopback addresses only (RabbitMQ's `loopback_users`; guest).
    public var loopbackOnlyUsers: Set<String> {
        get { amqp.connection.loopbackOnlyUsers }
        set { amqp.connection.loopbackOnlyUsers = newValue }
    }

    /// Users and their passwords (guest/guest by default, loopback only).
    public var users: [String: String] {
        get { amqp.connection.users }
        set { amqp.connection.users = newValue }
    }

    /// The TLS listener's configuration: the plain one's settings on another port, with TLS.
    var amqpsListener: AMQPListenerConfiguration? {
        guard let amqps else { return nil }
        var listener = amqp
        listener.port = amqps.port
        listener.tls = amqps.tls
        listener.connection.externalLoginFrom = amqps.tls.externalLoginFrom
        return listener
    }

    /// Heartbeat interval offered in `connection.tune`, in seconds.
    public var heartbeatSeconds: UInt16 {
        get { amqp.connection.heartbeatSeconds }
        set { amqp.connection.heartbeatSeconds = newValue }
    }
}

extension WarrenConfiguration {
    /// Management API address and port (0 picks a free one); setting either turns the API on.
    public var managementHost: String {
        get { management?.host ?? "127.0.0.1" }
        set { management = management ?? ManagementConfiguration(); management!.host = newValue }
    }

    public var managementPort: Int {
        get { management?.port ?? 15672 }
        set { management = management ?? ManagementConfiguration(); management!.port = newValue }
    }

    /// Whether the management API runs.
    public var managementEnabled: Bool {
        get { management != nil }
        set { management = newValue ? (management ?? ManagementConfiguration()) : nil }
    }
}

extension WarrenConfiguration {
    /// Turns on the AMQPS listener on `port`: PEM files, and RabbitMQ's verify_peer and
    /// fail_if_no_peer_cert.
    public mutating func enableTLS(port: Int, certificateChainPath: String, privateKeyPath: String,
                                   caCertificatesPath: String?, verifyPeer: Bool, failIfNoPeerCertificate: Bool,
                                   externalLoginFrom: String = "common_name") throws {
        guard let source = ExternalLoginSource(externalLoginFrom) else {
            throw TLSSettingError("tls login source must be common_name, san:dns, san:email or san:uri, got '\(externalLoginFrom)'")
        }
        var tls = AMQPTLSConfiguration(certificateChainPath: certificateChainPath, privateKeyPath: privateKeyPath,
                                       caCertificatesPath: caCertificatesPath)
        tls.verifyPeer = verifyPeer
        tls.failIfNoPeerCertificate = failIfNoPeerCertificate
        tls.externalLoginFrom = source
        amqps = (port, tls)
    }
}

/// A TLS setting `warren serve` cannot use.
public struct TLSSettingError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
