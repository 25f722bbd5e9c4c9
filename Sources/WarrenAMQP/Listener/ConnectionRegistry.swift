// ConnectionRegistry.swift: the open client connections, so shutdown can reach each one.
import NIOConcurrencyHelpers
import NIOCore

/// Tracks open connections. Touched on connect and disconnect only, never per frame.
final class ConnectionRegistry: Sendable {
    private let channels = NIOLockedValueBox([ObjectIdentifier: any Channel]())
    private let lastID = NIOLockedValueBox<UInt64>(0)

    /// Registers a connection; returns its node-unique id.
    func add(_ channel: any Channel) -> UInt64 {
        channels.withLockedValue { $0[ObjectIdentifier(channel)] = channel }
        channel.closeFuture.whenComplete { [self] _ in
            _ = channels.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(channel)) }
        }
        return lastID.withLockedValue {
            $0 += 1
            return $0
        }
    }

    var count: Int { channels.withLockedValue { $0.count } }

    var all: [any Channel] { channels.withLockedValue { Array($0.values) } }
}
