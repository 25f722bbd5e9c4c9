// InMemoryDefinitionsStore.swift: a DefinitionsStore that lives as long as the process (tests).
import NIOConcurrencyHelpers
import NIOCore

/// Keeps definitions in memory; a broker built on the same instance "restarts" with them.
/// `failWrites` makes every later `apply` fail, to test how the broker reports storage errors.
public final class InMemoryDefinitionsStore: DefinitionsStore {
    private let stored = NIOLockedValueBox(StoredDefinitions())
    private let failing = NIOLockedValueBox(false)
    private let loop: any EventLoop

    public init(loop: any EventLoop) {
        self.loop = loop
    }

    public var failWrites: Bool {
        get { failing.withLockedValue { $0 } }
        set { failing.withLockedValue { $0 = newValue } }
    }

    public func load() -> EventLoopFuture<StoredDefinitions> {
        loop.makeSucceededFuture(stored.withLockedValue { $0 })
    }

    public func apply(_ changes: [DefinitionChange]) -> EventLoopFuture<Void> {
        if failWrites { return loop.makeFailedFuture(DefinitionsStoreError("in-memory store set to fail")) }
        stored.withLockedValue { definitions in
            for change in changes { definitions.apply(change) }
        }
        return loop.makeSucceededVoidFuture()
    }
}

/// A store could not record a change.
public struct DefinitionsStoreError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension StoredDefinitions {
    /// Applies one change with the store's semantics (deletes cascade to bindings).
    public mutating func apply(_ change: DefinitionChange) {
        switch change {
        case .putExchange(let vhost, let exchange):
            if let index = exchanges.firstIndex(where: { $0.vhost == vhost && $0.1.name == exchange.name }) {
                exchanges[index].1 = exchange
            } else {
                exchanges.append((vhost, exchange))
            }
        case .deleteExchange(let vhost, let name):
            exchanges.removeAll { $0.vhost == vhost && $0.1.name == name }
            bindings.removeAll { $0.vhost == vhost && ($0.1.source == name || $0.1.destination == .exchange(name)) }
        case .putQueue(let vhost, let queue):
            if let index = queues.firstIndex(where: { $0.vhost == vhost && $0.1.name == queue.name }) {
                queues[index].1 = queue
            } else {
                queues.append((vhost, queue))
            }
        case .deleteQueue(let vhost, let name):
            queues.removeAll { $0.vhost == vhost && $0.1.name == name }
            bindings.removeAll { $0.vhost == vhost && $0.1.destination == .queue(name) }
            groups.removeAll { $0.vhost == vhost && $0.queue == name }
        case .putBinding(let vhost, let binding):
            if !bindings.contains(where: { $0.vhost == vhost && $0.1 == binding }) { bindings.append((vhost, binding)) }
        case .deleteBinding(let vhost, let binding):
            bindings.removeAll { $0.vhost == vhost && $0.1 == binding }
        case .putGroup(let vhost, let queue, let group):
            if !groups.contains(where: { $0 == (vhost, queue, group) }) { groups.append((vhost, queue, group)) }
        case .putPolicy(let vhost, let policy):
            if let index = policies.firstIndex(where: { $0.vhost == vhost && $0.1.name == policy.name }) {
                policies[index].1 = policy
            } else {
                policies.append((vhost, policy))
            }
        case .deletePolicy(let vhost, let name):
            policies.removeAll { $0.vhost == vhost && $0.1.name == name }
        case .putUser(let user):
            if let index = users.firstIndex(where: { $0.name == user.name }) { users[index] = user } else { users.append(user) }
        case .deleteUser(let name):
            users.removeAll { $0.name == name }
            permissions.removeAll { $0.user == name }
            topicPermissions.removeAll { $0.user == name }
            userLimits[name] = nil
        case .putVhostLimits(let vhost, let limits):
            vhostLimits[vhost] = limits.isEmpty ? nil : limits
        case .putVhost(let name):
            if !vhosts.contains(name) { vhosts.append(name) }
        case .deleteVhost(let vhost):
            vhosts.removeAll { $0 == vhost }
            exchanges.removeAll { $0.vhost == vhost }
            queues.removeAll { $0.vhost == vhost }
            bindings.removeAll { $0.vhost == vhost }
            groups.removeAll { $0.vhost == vhost }
            policies.removeAll { $0.vhost == vhost }
            permissions.removeAll { $0.vhost == vhost }
            topicPermissions.removeAll { $0.vhost == vhost }
            vhostLimits[vhost] = nil
        case .putUserLimits(let user, let limits):
            userLimits[user] = limits.isEmpty ? nil : limits
        case .putTopicPermission(let vhost, let user, let permission):
            if let index = topicPermissions.firstIndex(where: {
                $0.vhost == vhost && $0.user == user && $0.2.exchange == permission.exchange
            }) {
                topicPermissions[index].2 = permission
            } else {
                topicPermissions.append((vhost, user, permission))
            }
        case .deleteTopicPermissions(let vhost, let user, let exchange):
            topicPermissions.removeAll { $0.vhost == vhost && $0.user == user && (exchange == nil || $0.2.exchange == exchange) }
        case .putPermission(let vhost, let user, let permission):
            if let index = permissions.firstIndex(where: { $0.vhost == vhost && $0.user == user }) {
                permissions[index].2 = permission
            } else {
                permissions.append((vhost, user, permission))
            }
        case .deletePermission(let vhost, let user):
            permissions.removeAll { $0.vhost == vhost && $0.user == user }
        }
    }
}
