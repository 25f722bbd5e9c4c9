// BrokerState+Import.swift: definitions import (all or nothing) and export.

extension BrokerState {
    /// Checks the whole file against copies of the current state, then applies it. Nothing
    /// changes when any entry is refused; the error names the entry.
    func importDefinitions(_ file: DefinitionsFile) throws -> ImportReport {
        try validate(file)
        var report = ImportReport()
        func count(_ kind: String, _ created: Bool) {
            if created { report.created[kind, default: 0] += 1 } else { report.unchanged[kind, default: 0] += 1 }
        }
        for vhost in file.vhosts { count("vhosts", try addVirtualHost(vhost, creator: nil)) }
        for user in file.users { count("users", putUser(user)) }
        for (vhost, user, permission) in file.permissions {
            count("permissions", try setPermission(permission, user: user, vhost: vhost))
        }
        for (vhost, user, permission) in file.topicPermissions {
            count("topic_permissions", try setTopicPermission(permission, user: user, vhost: vhost))
        }
        for (vhost, limits) in file.vhostLimits {
            for (name, value) in limits.sorted(by: { $0.key < $1.key }) { try setLimit(name, value: value, vhost: vhost, user: nil) }
            count("vhost_limits", true)
        }
        for (vhost, policy) in file.policies { count("policies", try setPolicy(vhost: vhost, policy)) }
        for (vhost, exchange) in file.exchanges {
            let existed = topologies[vhost]?.exchanges[exchange.name] != nil
            try declareExchange(vhost: vhost, exchange, passive: false)
            count("exchanges", !existed)
        }
        for (vhost, queue) in file.queues {
            let existed = topologies[vhost]?.queues[queue.name] != nil
            _ = try declareQueue(vhost: vhost, queue, passive: false, serverNamed: false, connection: 0)
            count("queues", !existed)
        }
        for (vhost, binding) in file.bindings {
            let existed = topologies[vhost]?.bindings.contains(binding) ?? false
            try bind(vhost: vhost, binding, connection: 0)
            count("bindings", !existed)
        }
        return report
    }

    /// Everything `importDefinitions` would do, done on copies; throws what it would refuse.
    private func validate(_ file: DefinitionsFile) throws {
        var copies = topologies
        let users = Set(directory.users.keys).union(file.users.map(\.name))
        for vhost in file.vhosts where copies[vhost] == nil {
            guard !vhost.isEmpty else { throw BrokerError(.preconditionFailed, "a vhost needs a name") }
            copies[vhost] = Topology(vhost: vhost)
        }
        func known(_ vhost: String, _ what: String) throws {
            guard copies[vhost] != nil else { throw BrokerError(.notFound, "\(what): vhost '\(vhost)' not found") }
        }
        for user in file.users where user.name.isEmpty { throw BrokerError(.preconditionFailed, "a user needs a name") }
        for (vhost, user, _) in file.permissions {
            try known(vhost, "permission of '\(user)'")
            guard users.contains(user) else { throw BrokerError(.notFound, "permission in vhost '\(vhost)': no user '\(user)'") }
        }
        for (vhost, user, _) in file.topicPermissions {
            try known(vhost, "topic permission of '\(user)'")
            guard users.contains(user) else { throw BrokerError(.notFound, "topic permission in vhost '\(vhost)': no user '\(user)'") }
        }
        for (vhost, limits) in file.vhostLimits {
            try known(vhost, "vhost limits")
            for name in limits.keys where !["max-connections", "max-queues"].contains(name) {
                throw BrokerError(.preconditionFailed, "vhost limits of '\(vhost)': unknown limit '\(name)'")
            }
        }
        for (vhost, policy) in file.policies {
            try known(vhost, "policy '\(policy.name)'")
            do {
                try policy.validate()
                _ = try CompiledPolicy(policy)
            } catch {
                throw BrokerError(.preconditionFailed, "policy '\(policy.name)' in vhost '\(vhost)': \(error)")
            }
        }
        for (vhost, exchange) in file.exchanges {
            try known(vhost, "exchange '\(exchange.name)'")
            try copies[vhost]!.declareExchange(exchange)
        }
        var queueCounts: [String: Int64] = [:]
        for (vhost, queue) in file.queues {
            try known(vhost, "queue '\(queue.name)'")
            _ = try QueueArguments(queue, vhost: vhost)
            if try copies[vhost]!.declareQueue(queue, serverNamed: false, connection: 0) {
                queueCounts[vhost, default: Int64(queues[vhost]?.count ?? 0)] += 1
            }
        }
        // The vhosts' max-queues as the file leaves them (its own limits apply before its queues).
        for (vhost, count) in queueCounts {
            var limits = directory.vhostLimits[vhost] ?? [:]
            for (limited, values) in file.vhostLimits where limited == vhost { limits.merge(values) { _, new in new } }
            if let limit = limits["max-queues"], limit >= 0, count > limit {
                throw BrokerError(.preconditionFailed, "vhost '\(vhost)': \(count) queues would pass its max-queues limit (\(limit))")
            }
        }
        for (vhost, binding) in file.bindings {
            try known(vhost, "binding from '\(binding.source)'")
            if case .queue(let name) = binding.destination, copies[vhost]!.queues[name]?.exclusiveOwner != nil {
                throw BrokerError(.resourceLocked, "binding to the exclusive queue '\(name)' in vhost '\(vhost)'")
            }
            try copies[vhost]!.bind(binding)
        }
    }

    /// The definitions as RabbitMQ exports them: every user, vhost, permission and policy;
    /// queues that are not exclusive; exchanges and bindings that were declared (not the
    /// predeclared `amq.*` ones or the default exchange's implicit bindings).
    func exportDefinitions() -> DefinitionsFile {
        var file = DefinitionsFile()
        file.users = directory.users.values.sorted { $0.name < $1.name }
        file.vhosts = directory.virtualHosts.sorted()
        for vhost in file.vhosts {
            for (user, permission) in (directory.permissions[vhost] ?? [:]).sorted(by: { $0.key < $1.key }) {
                file.permissions.append((vhost, user, permission))
            }
            for (user, byExchange) in (directory.topicPermissions[vhost] ?? [:]).sorted(by: { $0.key < $1.key }) {
                for permission in byExchange.values.sorted(by: { $0.exchange < $1.exchange }) {
                    file.topicPermissions.append((vhost, user, permission))
                }
            }
            if let limits = directory.vhostLimits[vhost], !limits.isEmpty { file.vhostLimits.append((vhost, limits)) }
            for compiled in (policies[vhost] ?? [:]).values.sorted(by: { $0.policy.name < $1.policy.name }) {
                file.policies.append((vhost, compiled.policy))
            }
            guard let topology = topologies[vhost] else { continue }
            let exclusive = Set(topology.queues.values.filter { $0.exclusiveOwner != nil }.map(\.name))
            for queue in topology.queues.values.sorted(by: { $0.name < $1.name }) where !exclusive.contains(queue.name) {
                file.queues.append((vhost, queue))
            }
            for exchange in topology.exchanges.values.sorted(by: { $0.name < $1.name })
            where !exchange.name.isEmpty && !exchange.name.hasPrefix("amq.") {
                file.exchanges.append((vhost, exchange))
            }
            for binding in topology.bindings.sorted(by: { ($0.source, $0.routingKey) < ($1.source, $1.routingKey) }) {
                if case .queue(let name) = binding.destination, exclusive.contains(name) { continue }
                file.bindings.append((vhost, binding))
            }
        }
        return file
    }
}
