// Topology+Bindings.swift: binding, unbinding and routing.

/// Where a published message goes.
public struct RouteResult: Equatable, Sendable {
    /// Queues that receive the message, each once.
    public var queues: Set<String>
}

extension Topology {
    /// Binds `destination` to exchange `source`. Both must exist (404); the default exchange
    /// takes no bindings (403). Returns true if the binding is new.
    @discardableResult
    public mutating func bind(_ binding: Binding) throws(BrokerError) -> Bool {
        try checkBindable(binding)
        guard !bindings.contains(binding) else { return false }
        try routers[binding.source]!.add(binding)
        bindings.insert(binding)
        return true
    }

    /// Removes a binding. Unbinding something that was never bound succeeds, as in RabbitMQ.
    /// Returns true if the binding existed.
    @discardableResult
    public mutating func unbind(_ binding: Binding) throws(BrokerError) -> Bool {
        try checkBindable(binding)
        return removeBinding(binding)
    }

    /// Removes a binding; an auto-delete source left without bindings is marked for
    /// `removeUnusedAutoDeleteExchanges`.
    @discardableResult
    mutating func removeBinding(_ binding: Binding) -> Bool {
        guard bindings.remove(binding) != nil else { return false }
        routers[binding.source]?.remove(binding)
        if exchanges[binding.source]?.autoDelete == true { autoDeleteCandidates.insert(binding.source) }
        return true
    }

    /// Deletes every auto-delete exchange whose last binding went since the last call, as
    /// RabbitMQ does when the last queue or exchange is unbound from one (cascading when that
    /// removes the last binding of another). Returns the deleted exchanges.
    public mutating func removeUnusedAutoDeleteExchanges() -> [ExchangeDefinition] {
        var deleted: [ExchangeDefinition] = []
        while let name = autoDeleteCandidates.popFirst() {
            guard let exchange = exchanges[name], exchange.autoDelete,
                  !bindings.contains(where: { $0.source == name }) else { continue }
            for binding in bindings where binding.destination == .exchange(name) { removeBinding(binding) }
            exchanges[name] = nil
            routers[name] = nil
            deleted.append(exchange)
        }
        return deleted
    }

    /// Whether a binding outlives a restart: both of its ends are durable, as in RabbitMQ.
    public func isDurable(_ binding: Binding) -> Bool {
        guard exchanges[binding.source]?.durable == true else { return false }
        switch binding.destination {
        case .queue(let name):
            guard let queue = queues[name] else { return false }
            return queue.durable && queue.exclusiveOwner == nil
        case .exchange(let name): return exchanges[name]?.durable == true
        }
    }

    private func checkBindable(_ binding: Binding) throws(BrokerError) {
        if binding.source.isEmpty { throw .defaultExchange }
        guard exchanges[binding.source] != nil else { throw .noExchange(binding.source, vhost: vhost) }
        switch binding.destination {
        case .queue(let name):
            guard queues[name] != nil else { throw .noQueue(name, vhost: vhost) }
        case .exchange(let name):
            if name.isEmpty { throw .defaultExchange }
            guard exchanges[name] != nil else { throw .noExchange(name, vhost: vhost) }
        }
    }

    /// Routes a message published to `exchange` with `routingKeys` (the routing key plus any
    /// CC and BCC keys). Follows exchange-to-exchange bindings (each exchange visited once)
    /// and, when an exchange routes nowhere, its alternate exchange.
    public func route(exchange: String, routingKeys: [String], headers: ArgumentTable?) throws(BrokerError) -> RouteResult {
        guard let definition = exchanges[exchange] else { throw .noExchange(exchange, vhost: vhost) }
        if definition.internal {
            throw BrokerError(.accessRefused, "cannot publish to internal exchange '\(exchange)' in vhost '\(vhost)'")
        }
        var queues = Set<String>()
        var visited = Set<String>()
        routeThrough(exchange, routingKeys: routingKeys, headers: headers, queues: &queues, visited: &visited)
        return RouteResult(queues: queues)
    }

    private func routeThrough(_ exchange: String, routingKeys: [String], headers: ArgumentTable?,
                              queues: inout Set<String>, visited: inout Set<String>) {
        guard visited.insert(exchange).inserted, let router = routers[exchange] else { return }
        let before = queues.count
        if exchange.isEmpty {
            for key in routingKeys where self.queues[key] != nil { queues.insert(key) }
        } else {
            var destinations = Set<BindingDestination>()
            for key in routingKeys { router.match(routingKey: key, headers: headers, into: &destinations) }
            for destination in destinations {
                switch destination {
                case .queue(let name): queues.insert(name)
                case .exchange(let name):
                    routeThrough(name, routingKeys: routingKeys, headers: headers, queues: &queues, visited: &visited)
                }
            }
        }
        if queues.count == before, let alternate = exchanges[exchange]?.alternateExchange {
            routeThrough(alternate, routingKeys: routingKeys, headers: headers, queues: &queues, visited: &visited)
        }
    }
}
