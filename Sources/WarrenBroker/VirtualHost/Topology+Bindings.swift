// Topology+Bindings.swift: binding, unbinding and routing.

/// Where a published message goes.
public struct RouteResult: Equatable, Sendable {
    /// Queues that receive the message, each once.
    public var queues: Set<String>
}

extension Topology {
    /// Binds `destination` to exchange `source`. Both must exist (404); the default exchange
    /// takes no bindings (403).
    public mutating func bind(_ binding: Binding) throws(BrokerError) {
        try checkBindable(binding)
        guard !bindings.contains(binding) else { return }
        try routers[binding.source]!.add(binding)
        bindings.insert(binding)
    }

    /// Removes a binding. Unbinding something that was never bound succeeds, as in RabbitMQ.
    public mutating func unbind(_ binding: Binding) throws(BrokerError) {
        try checkBindable(binding)
        removeBinding(binding)
    }

    mutating func removeBinding(_ binding: Binding) {
        guard bindings.remove(binding) != nil else { return }
        routers[binding.source]?.remove(binding)
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
