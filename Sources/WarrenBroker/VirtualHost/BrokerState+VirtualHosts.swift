// BrokerState+VirtualHosts.swift: virtual hosts created and deleted at run time.

extension BrokerState {
    /// Creates the in-memory room for a vhost (no recording).
    func openVirtualHost(_ name: String) {
        topologies[name] = Topology(vhost: name)
        queues[name] = [:]
        policies[name] = [:]
        directory.virtualHosts.insert(name)
    }

    /// Creates a vhost; false when it exists. `creator` gets every permission in it, as
    /// RabbitMQ's management API grants the user who creates one.
    func addVirtualHost(_ name: String, creator: String?) throws -> Bool {
        guard topologies[name] == nil else { return false }
        guard !name.isEmpty else { throw BrokerError(.preconditionFailed, "a vhost needs a name") }
        openVirtualHost(name)
        record([.putVhost(name: name)])
        if let creator, directory.users[creator] != nil { _ = try setPermission(.all, user: creator, vhost: name) }
        return true
    }

    /// Deletes a vhost and everything in it: queues (their messages too), exchanges,
    /// policies, permissions and limits.
    func deleteVirtualHost(_ name: String) throws {
        guard topologies[name] != nil else { throw BrokerError(.notFound, "vhost \(name) not found") }
        for queue in Array(queues[name]?.keys ?? [:].keys) {
            _ = try? deleteQueue(vhost: name, queue, ifUnused: false, ifEmpty: false,
                                 connection: topologies[name]?.queues[queue]?.exclusiveOwner ?? 0)
        }
        topologies[name] = nil
        queues[name] = nil
        policies[name] = nil
        directory.removeVirtualHost(name)
        record([.deleteVhost(name: name)])
    }
}
