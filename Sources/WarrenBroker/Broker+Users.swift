// Broker+Users.swift: users and permissions for the management API, and the snapshot logins read.
import NIOConcurrencyHelpers
import NIOCore

extension Broker {
    /// Users and permissions now, without waiting for the broker's loop (logins, access checks).
    public var userDirectory: UserDirectory { directorySnapshot.withLockedValue { $0 } }

    /// Creates or replaces a user; the result is true when the user is new.
    public func putUser(_ user: User) -> EventLoopFuture<Bool> {
        onLoopRecording { state in state.putUser(user) }
    }

    public func deleteUser(_ name: String) -> EventLoopFuture<Void> {
        onLoopRecording { state in try state.deleteUser(name) }
    }

    /// Sets `user`'s permission in `vhost`; true when new.
    public func setPermission(_ permission: Permission, user: String, vhost: String) -> EventLoopFuture<Bool> {
        onLoopRecording { state in try state.setPermission(permission, user: user, vhost: vhost) }
    }

    public func clearPermission(user: String, vhost: String) -> EventLoopFuture<Void> {
        onLoopRecording { state in try state.clearPermission(user: user, vhost: vhost) }
    }

    /// Sets `user`'s topic permission on `permission.exchange` in `vhost`; true when new.
    public func setTopicPermission(_ permission: TopicPermission, user: String, vhost: String) -> EventLoopFuture<Bool> {
        onLoopRecording { state in try state.setTopicPermission(permission, user: user, vhost: vhost) }
    }

    /// Clears `user`'s topic permissions in `vhost`: on one exchange, or all of them.
    public func clearTopicPermissions(user: String, vhost: String, exchange: String? = nil) -> EventLoopFuture<Void> {
        onLoopRecording { state in try state.clearTopicPermissions(user: user, vhost: vhost, exchange: exchange) }
    }

    /// Counts a connection of `user` to `vhost`, or refuses it with RabbitMQ's text when a
    /// vhost or user `max-connections` limit is reached. Pair with `connectionEnded`.
    public func admitConnection(user: String, vhost: String) -> String? {
        connectionCounts.admit(user: user, vhost: vhost, directory: userDirectory)
    }

    public func connectionEnded(user: String, vhost: String) {
        connectionCounts.release(user: user, vhost: vhost)
    }

    /// Counts a channel of `user`, or refuses it with RabbitMQ's text at their `max-channels`.
    /// Pair with `channelsEnded`.
    public func admitChannel(user: String) -> String? {
        connectionCounts.admitChannel(user: user, directory: userDirectory)
    }

    public func channelsEnded(user: String, count: Int) {
        connectionCounts.releaseChannels(user: user, count: count)
    }

    /// Sets (a negative value: removes the effect of) a vhost limit; fails for an unknown name.
    public func setVhostLimit(_ name: String, value: Int64, vhost: String) -> EventLoopFuture<Void> {
        onLoopRecording { state in try state.setLimit(name, value: value, vhost: vhost, user: nil) }
    }

    public func setUserLimit(_ name: String, value: Int64, user: String) -> EventLoopFuture<Void> {
        onLoopRecording { state in try state.setLimit(name, value: value, vhost: nil, user: user) }
    }

    /// Clears one limit (`name`) of a vhost or a user.
    public func clearLimit(_ name: String, vhost: String? = nil, user: String? = nil) -> EventLoopFuture<Void> {
        onLoopRecording { state in try state.clearLimit(name, vhost: vhost, user: user) }
    }

    /// Fails with `error` after every operation submitted before it: a front door refusing a
    /// method keeps its answers in order.
    public func refuse(_ error: BrokerError) -> EventLoopFuture<Void> {
        loop.submit { throw error }
    }
}
