// DefinitionsStore.swift: where durable exchanges, queues and bindings are kept across restarts.
import NIOCore

/// One change to the stored definitions of a virtual host.
public enum DefinitionChange: Sendable, Equatable {
    case putExchange(vhost: String, ExchangeDefinition)
    /// Removes the exchange and every binding from or to it.
    case deleteExchange(vhost: String, name: String)
    case putQueue(vhost: String, QueueDefinition)
    /// Removes the queue, every binding to it and its consumer groups.
    case deleteQueue(vhost: String, name: String)
    case putBinding(vhost: String, Binding)
    case deleteBinding(vhost: String, Binding)
    /// A named consumer group of a queue (its positions live in the queue's journals).
    case putGroup(vhost: String, queue: String, group: String)
    /// A policy, created or replaced.
    case putPolicy(vhost: String, Policy)
    case deletePolicy(vhost: String, name: String)
    /// A user, created or replaced; deleting one removes their permissions too.
    case putUser(User)
    case deleteUser(name: String)
    /// A user's permission in a vhost, set or cleared.
    case putPermission(vhost: String, user: String, Permission)
    case deletePermission(vhost: String, user: String)
    /// A user's topic permission on one exchange in a vhost; deleting clears one exchange or all.
    case putTopicPermission(vhost: String, user: String, TopicPermission)
    case deleteTopicPermissions(vhost: String, user: String, exchange: String?)
    /// Every limit of a vhost, or of a user (an empty table clears them).
    case putVhostLimits(vhost: String, [String: Int64])
    case putUserLimits(user: String, [String: Int64])
    /// A virtual host created at run time; deleting one removes everything in it.
    case putVhost(name: String)
    case deleteVhost(name: String)
}

/// Everything a store holds, as loaded at start.
public struct StoredDefinitions: Sendable, Equatable {
    public var exchanges: [(vhost: String, ExchangeDefinition)] = []
    public var queues: [(vhost: String, QueueDefinition)] = []
    public var bindings: [(vhost: String, Binding)] = []
    public var groups: [(vhost: String, queue: String, group: String)] = []
    public var policies: [(vhost: String, Policy)] = []
    public var users: [User] = []
    public var permissions: [(vhost: String, user: String, Permission)] = []
    public var topicPermissions: [(vhost: String, user: String, TopicPermission)] = []
    public var vhostLimits: [String: [String: Int64]] = [:]
    public var userLimits: [String: [String: Int64]] = [:]
    /// Virtual hosts created at run time, in creation order.
    public var vhosts: [String] = []

    public init() {}

    public static func == (lhs: StoredDefinitions, rhs: StoredDefinitions) -> Bool {
        lhs.exchanges.elementsEqual(rhs.exchanges) { $0.vhost == $1.vhost && $0.1 == $1.1 }
            && lhs.queues.elementsEqual(rhs.queues) { $0.vhost == $1.vhost && $0.1 == $1.1 }
            && lhs.bindings.elementsEqual(rhs.bindings) { $0.vhost == $1.vhost && $0.1 == $1.1 }
            && lhs.groups.elementsEqual(rhs.groups) { $0 == $1 }
            && lhs.policies.elementsEqual(rhs.policies) { $0.vhost == $1.vhost && $0.1 == $1.1 }
            && lhs.users == rhs.users
            && lhs.permissions.elementsEqual(rhs.permissions) { $0.vhost == $1.vhost && $0.user == $1.user && $0.2 == $1.2 }
            && lhs.vhostLimits == rhs.vhostLimits && lhs.userLimits == rhs.userLimits && lhs.vhosts == rhs.vhosts
            && lhs.topicPermissions.elementsEqual(rhs.topicPermissions) { $0.vhost == $1.vhost && $0.user == $1.user && $0.2 == $1.2 }
    }
}

/// Durable definitions storage: exchanges, queues, bindings, policies and the names of consumer groups.
/// Only durable, non-exclusive entities reach it; the broker
/// answers a declaration once the future of the change that records it has succeeded.
/// Changes are applied in the order `apply` is called, each call atomically.
public protocol DefinitionsStore: Sendable {
    /// Everything stored, in the order it was first stored.
    func load() -> EventLoopFuture<StoredDefinitions>
    /// Records `changes` atomically; the future succeeds once they are on disk.
    func apply(_ changes: [DefinitionChange]) -> EventLoopFuture<Void>
}
