// ClientRegistry.swift: the open client connections and their channels, for operators.
import NIOConcurrencyHelpers

/// A client connection as the management API shows it. Front doors fill it in; the broker
/// core never reads it on the message path.
public struct ClientConnection: Sendable {
    public var id: ConnectionID
    /// RabbitMQ's name: "peerHost:peerPort -> host:port".
    public var name: String
    public var user: String
    public var vhost: String
    public var peerHost: String
    public var peerPort: Int
    public var host: String
    public var port: Int
    public var `protocol`: String
    public var tls: Bool
    /// Milliseconds since 1970.
    public var connectedAt: Int64
    public var frameMax: UInt32
    public var channelMax: UInt16
    public var heartbeatSeconds: UInt16
    /// The client's string properties (product, version, platform, connection_name, …).
    public var clientProperties: [String: String]
    public var capabilities: [String: Bool]
    public var channels: [UInt16: ClientChannel] = [:]
    /// True while publishing is blocked by a resource alarm.
    public var blocked = false

    public init(id: ConnectionID, name: String, user: String, vhost: String, peerHost: String, peerPort: Int,
                host: String, port: Int, protocol: String, tls: Bool, connectedAt: Int64, frameMax: UInt32,
                channelMax: UInt16, heartbeatSeconds: UInt16, clientProperties: [String: String],
                capabilities: [String: Bool]) {
        self.id = id
        self.name = name
        self.user = user
        self.vhost = vhost
        self.peerHost = peerHost
        self.peerPort = peerPort
        self.host = host
        self.port = port
        self.protocol = `protocol`
        self.tls = tls
        self.connectedAt = connectedAt
        self.frameMax = frameMax
        self.channelMax = channelMax
        self.heartbeatSeconds = heartbeatSeconds
        self.clientProperties = clientProperties
        self.capabilities = capabilities
    }
}

/// A channel of a client connection.
public struct ClientChannel: Sendable {
    public var number: UInt16
    public var confirm = false
    public var transactional = false
    public var prefetch = 0
    public var globalPrefetch = 0
    public var consumers = 0

    public init(number: UInt16) { self.number = number }
}

/// What the registry can ask a front door to do with a connection.
public struct ClientHandle: Sendable {
    /// Closes the connection with 320 CONNECTION_FORCED and this reason.
    public var close: @Sendable (String) -> Void
    /// Blocks (true) or unblocks publishing for a resource alarm, with the alarm's reason.
    public var setBlocked: @Sendable (Bool, String) -> Void

    public init(close: @escaping @Sendable (String) -> Void, setBlocked: @escaping @Sendable (Bool, String) -> Void) {
        self.close = close
        self.setBlocked = setBlocked
    }
}

/// Open client connections. Behind a lock, touched when a connection opens or closes and when
/// a channel opens, closes or changes mode: never per message.
public final class ClientRegistry: Sendable {
    private let entries = NIOLockedValueBox([ConnectionID: (info: ClientConnection, handle: ClientHandle)]())
    /// The `connection.blocked` reason of the resource alarms in effect, nil when none is.
    private let alarm = NIOLockedValueBox<String?>(nil)

    public init() {}

    /// Registers a connection; returns the alarm in effect, which blocks it from the start.
    @discardableResult
    public func add(_ info: ClientConnection, handle: ClientHandle) -> String? {
        entries.withLockedValue { $0[info.id] = (info, handle) }
        return alarm.withLockedValue { $0 }
    }

    public var alarmReason: String? { alarm.withLockedValue { $0 } }

    /// An alarm started (reason) or cleared (nil): every connection hears it.
    func setAlarm(_ reason: String?) {
        alarm.withLockedValue { $0 = reason }
        for handle in handles { handle.setBlocked(reason != nil, reason ?? "") }
    }

    public func remove(_ id: ConnectionID) {
        _ = entries.withLockedValue { $0.removeValue(forKey: id) }
    }

    public func update(_ id: ConnectionID, _ change: (inout ClientConnection) -> Void) {
        entries.withLockedValue { entries in
            guard var entry = entries[id] else { return }
            change(&entry.info)
            entries[id] = entry
        }
    }

    /// Every open connection, in the order they connected.
    public var all: [ClientConnection] {
        entries.withLockedValue { $0.values.map(\.info) }.sorted { ($0.connectedAt, $0.id) < ($1.connectedAt, $1.id) }
    }

    public var count: Int { entries.withLockedValue { $0.count } }

    public func handle(named name: String) -> ClientHandle? {
        entries.withLockedValue { $0.values.first { $0.info.name == name }?.handle }
    }

    public var handles: [ClientHandle] { entries.withLockedValue { $0.values.map(\.handle) } }
}
