// ConnectionRegistry.swift: the open client connections, so shutdown can reach each one.
import NIOConcurrencyHelpers
import NIOCore

/// Tracks open connections. Touched on connect and disconnect only, never per frame.
final class ConnectionRegistry: Sendable {
    private let channels = NIOLockedValueBox([ObjectIdentifier: any Channel]())
    /// Shared by every listener of the process (plain and TLS), so ids are node-unique.
    private static let lastID = NIOLockedValueBox<UInt64>(0)

    /// Registers a connection; returns its node-unique id.
    func add(_ channel: any Channel) -> UInt64 {
        channels.withLockedValue { $0[ObjectIdentifier(channel)] = channel }
        channel.closeFuture.whenComplete { [self] _ in
            _ = channels.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(channel)) }
        }
        return Self.lastID.withLockedValue {
            $0 += 1
            return $0
        }
    }

    var count: Int { channels.withLockedValue { $0.count } }

    var all: [any Channel] { channels.withLockedValue { Array($0.values) } }
}

/// The node's connection limit (RabbitMQ's `connection_max`), shared by every listener: a TCP
/// connection past it is closed as soon as it is accepted, as RabbitMQ's listener does.
public final class ConnectionSlots: Sendable {
    public let limit: Int
    private let used = NIOLockedValueBox(0)

    public init(limit: Int) { self.limit = limit }

    /// Takes a slot; false when every slot is taken.
    func take() -> Bool {
        used.withLockedValue { used in
            guard used < limit else { return false }
            used += 1
            return true
        }
    }

    func give() { used.withLockedValue { $0 -= 1 } }
}

struct ConnectionLimitReached: Error, CustomStringConvertible {
    var limit: Int
    var description: String { "connection refused: node connection limit (\(limit)) is reached" }
}
