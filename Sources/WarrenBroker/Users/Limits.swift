// Limits.swift: vhost and user limits as RabbitMQ names them, checked with its texts, and the
// connection counts they are checked against (touched on connect and disconnect only).
import NIOConcurrencyHelpers

/// The limits RabbitMQ 3.10 knows.
public enum LimitKind {
    public static let vhost: Set<String> = ["max-connections", "max-queues"]
    public static let user: Set<String> = ["max-connections", "max-channels"]
}

/// Open AMQP connections per vhost and per user, for `max-connections`.
final class ConnectionCounts: Sendable {
    private let counts = NIOLockedValueBox((vhosts: [String: Int](), users: [String: Int](), channels: [String: Int]()))

    /// Counts a connection of `user` to `vhost` unless a limit is reached; returns RabbitMQ's
    /// refusal text when it is.
    func admit(user: String, vhost: String, directory: UserDirectory) -> String? {
        counts.withLockedValue { counts in
            if let limit = directory.vhostLimit("max-connections", vhost: vhost), counts.vhosts[vhost, default: 0] >= limit {
                return "access to vhost '\(vhost)' refused for user '\(user)': connection limit (\(limit)) is reached"
            }
            if let limit = directory.userLimit("max-connections", user: user), counts.users[user, default: 0] >= limit {
                return "connection refused for user '\(user)': user connection limit (\(limit)) is reached"
            }
            counts.vhosts[vhost, default: 0] += 1
            counts.users[user, default: 0] += 1
            return nil
        }
    }

    /// Counts a channel of `user` unless their `max-channels` is reached (RabbitMQ's text).
    func admitChannel(user: String, directory: UserDirectory) -> String? {
        counts.withLockedValue { counts in
            if let limit = directory.userLimit("max-channels", user: user), counts.channels[user, default: 0] >= limit {
                return "number of channels opened for user '\(user)' has reached the maximum allowed user limit of (\(limit))"
            }
            counts.channels[user, default: 0] += 1
            return nil
        }
    }

    func releaseChannels(user: String, count: Int) {
        counts.withLockedValue { $0.channels[user, default: count] -= count }
    }

    func release(user: String, vhost: String) {
        counts.withLockedValue { counts in
            counts.vhosts[vhost, default: 1] -= 1
            counts.users[user, default: 1] -= 1
        }
    }
}
