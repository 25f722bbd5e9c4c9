// BrokerState+Definitions.swift: exchange and binding changes, recorded in the definitions store;
// restoring durable definitions at start.
import Logging
import NIOCore

extension BrokerState {
    /// Sends `changes` to the store; the operation in progress answers once they are on disk.
    func record(_ changes: [DefinitionChange]) {
        guard !changes.isEmpty else { return }
        let written = definitions.apply(changes).hop(to: storage.loop).flatMapErrorThrowing { error in
            throw BrokerError(.internalError, "cannot store definitions: \(error)")
        }
        pendingWrite = pendingWrite.map { $0.and(written).map { _ in } } ?? written
    }

    /// Records the deletion of auto-delete exchanges left without bindings.
    func removeUnusedAutoDeleteExchanges(vhost: String) {
        guard let deleted = topologies[vhost]?.removeUnusedAutoDeleteExchanges() else { return }
        record(deleted.filter(\.durable).map { .deleteExchange(vhost: vhost, name: $0.name) })
    }

    func declareExchange(vhost: String, _ definition: ExchangeDefinition, passive: Bool) throws {
        let created = try withTopology(vhost) { try $0.declareExchange(definition, passive: passive) }
        if created && definition.durable { record([.putExchange(vhost: vhost, definition)]) }
    }

    func deleteExchange(vhost: String, _ name: String, ifUnused: Bool) throws {
        let durable = topologies[vhost]?.exchanges[name]?.durable ?? false
        try withTopology(vhost) { try $0.deleteExchange(name, ifUnused: ifUnused) }
        if durable { record([.deleteExchange(vhost: vhost, name: name)]) }
        removeUnusedAutoDeleteExchanges(vhost: vhost)
    }

    func bind(vhost: String, _ binding: Binding, connection: ConnectionID) throws {
        try checkQueueAccess(vhost, binding.destination, connection: connection)
        let added = try withTopology(vhost) { try $0.bind(binding) }
        if added && topologies[vhost]!.isDurable(binding) { record([.putBinding(vhost: vhost, binding)]) }
    }

    func unbind(vhost: String, _ binding: Binding, connection: ConnectionID) throws {
        try checkQueueAccess(vhost, binding.destination, connection: connection)
        let durable = topologies[vhost]?.isDurable(binding) ?? false
        let removed = try withTopology(vhost) { try $0.unbind(binding) }
        if removed && durable { record([.deleteBinding(vhost: vhost, binding)]) }
        removeUnusedAutoDeleteExchanges(vhost: vhost)
    }

    /// Rebuilds durable exchanges, queues (with their logs and groups) and bindings at start.
    /// An entry that cannot be restored is logged and skipped; the rest still come back.
    func restore(_ stored: StoredDefinitions) {
        for vhost in stored.vhosts where topologies[vhost] == nil { openVirtualHost(vhost) }
        // Users: the stored ones; none stored (a new data directory) gives RabbitMQ's default guest.
        if stored.users.isEmpty {
            record(directory.users.values.map { .putUser($0) }
                + directory.permissions.flatMap { vhost, users in users.map { .putPermission(vhost: vhost, user: $0.key, $0.value) } })
        } else {
            var restored = UserDirectory()
            restored.loopbackOnlyUsers = directory.loopbackOnlyUsers
            restored.virtualHosts = directory.virtualHosts
            for user in stored.users { restored.put(user) }
            for (vhost, user, permission) in stored.permissions { restored.setPermission(permission, user: user, vhost: vhost) }
            restored.vhostLimits = stored.vhostLimits
            restored.userLimits = stored.userLimits
            for (vhost, user, permission) in stored.topicPermissions {
                restored.setTopicPermission(permission, user: user, vhost: vhost)
            }
            directory = restored
        }
        // Policies first: queues open with the arguments their policy gives them.
        for (vhost, policy) in stored.policies {
            guard policies[vhost] != nil else {
                logger.warning("stored policy of an unknown vhost", metadata: ["vhost": "\(vhost)", "policy": "\(policy.name)"])
                continue
            }
            do { policies[vhost]![policy.name] = try CompiledPolicy(policy) } catch {
                logger.error("cannot restore policy", metadata: ["policy": "\(policy.name)", "error": "\(error)"])
            }
        }
        for (vhost, exchange) in stored.exchanges {
            guard topologies[vhost] != nil else {
                logger.warning("stored exchange of an unknown vhost", metadata: ["vhost": "\(vhost)", "exchange": "\(exchange.name)"])
                continue
            }
            do { try topologies[vhost]!.declareExchange(exchange) } catch {
                logger.error("cannot restore exchange", metadata: ["exchange": "\(exchange.name)", "error": "\(error)"])
            }
        }
        for (vhost, queue) in stored.queues {
            guard topologies[vhost] != nil else {
                logger.warning("stored queue of an unknown vhost", metadata: ["vhost": "\(vhost)", "queue": "\(queue.name)"])
                continue
            }
            do {
                try topologies[vhost]!.declareQueue(queue, serverNamed: true, connection: 0)
                let runtime = try storage.open(queue, vhost: vhost, policy: policy(for: queue, vhost: vhost))
                runtime.host = self
                queues[vhost]![queue.name] = runtime
                runtime.markUsed()
            } catch {
                _ = try? topologies[vhost]!.deleteQueue(queue.name)
                logger.error("cannot restore queue", metadata: ["queue": "\(queue.name)", "error": "\(error)"])
            }
        }
        for (vhost, queue, group) in stored.groups {
            // Recorded, but its journal never saw it (a crash in between): it starts at the
            // first message, as a new group from `first` would.
            guard let runtime = queues[vhost]?[queue], runtime.groups[group] == nil else { continue }
            do { _ = try runtime.createGroup(group, durable: true, start: .first) } catch {
                logger.error("cannot restore consumer group", metadata: ["group": "\(group)", "error": "\(error)"])
            }
        }
        for (vhost, binding) in stored.bindings where topologies[vhost] != nil {
            do { try topologies[vhost]!.bind(binding) } catch {
                logger.error("cannot restore binding", metadata: ["source": "\(binding.source)", "error": "\(error)"])
            }
        }
    }
}
