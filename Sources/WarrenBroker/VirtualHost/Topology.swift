// Topology.swift: one vhost's exchanges, queues and bindings, and routing through them.

/// The exchanges, queues and bindings of one virtual host, as a value. Declarations return
/// RabbitMQ's errors; `route` follows exchange-to-exchange bindings and alternate exchanges.
/// A value can be shared as an immutable snapshot for routing while a new one is built.
public struct Topology: Sendable {
    public let vhost: String
    public internal(set) var exchanges: [String: ExchangeDefinition] = [:]
    public internal(set) var queues: [String: QueueDefinition] = [:]
    public internal(set) var bindings: Set<Binding> = []
    var routers: [String: ExchangeRouter] = [:]
    /// Auto-delete exchanges that lost a binding (see `removeUnusedAutoDeleteExchanges`).
    var autoDeleteCandidates: Set<String> = []

    public init(vhost: String) {
        self.vhost = vhost
        for exchange in ExchangeDefinition.predeclared {
            exchanges[exchange.name] = exchange
            routers[exchange.name] = ExchangeRouter(type: exchange.type)
        }
    }

    // MARK: Exchanges

    /// Declares an exchange; returns true if it was created. Follows RabbitMQ's checks:
    /// passive lookups (404), the reserved `amq.` prefix (403), equivalence (406).
    @discardableResult
    public mutating func declareExchange(_ definition: ExchangeDefinition, passive: Bool = false) throws(BrokerError) -> Bool {
        if let existing = exchanges[definition.name] {
            if passive { return false }
            try checkEquivalent(existing, definition)
            return false
        }
        if passive { throw .noExchange(definition.name, vhost: vhost) }
        if definition.name.hasPrefix("amq.") {
            throw BrokerError(.accessRefused, "exchange name '\(definition.name)' contains reserved prefix 'amq.*'")
        }
        exchanges[definition.name] = definition
        routers[definition.name] = ExchangeRouter(type: definition.type)
        return true
    }

    private func checkEquivalent(_ existing: ExchangeDefinition, _ requested: ExchangeDefinition) throws(BrokerError) {
        func inequivalent(_ field: String, _ received: String, _ current: String) -> BrokerError {
            BrokerError(.preconditionFailed, "inequivalent arg '\(field)' for exchange '\(existing.name)' in vhost '\(vhost)': received '\(received)' but current is '\(current)'")
        }
        if existing.type != requested.type {
            throw inequivalent("type", requested.type.rawValue, existing.type.rawValue)
        }
        if existing.durable != requested.durable {
            throw inequivalent("durable", "\(requested.durable)", "\(existing.durable)")
        }
        if existing.autoDelete != requested.autoDelete {
            throw inequivalent("auto_delete", "\(requested.autoDelete)", "\(existing.autoDelete)")
        }
        if existing.internal != requested.internal {
            throw inequivalent("internal", "\(requested.internal)", "\(existing.internal)")
        }
        if existing.alternateExchange != requested.alternateExchange {
            throw inequivalent("alternate-exchange", requested.alternateExchange ?? "none", existing.alternateExchange ?? "none")
        }
    }

    /// Deletes an exchange and every binding from or to it. The default and `amq.` exchanges
    /// cannot be deleted (403); `ifUnused` refuses an exchange that is a binding source (406).
    public mutating func deleteExchange(_ name: String, ifUnused: Bool = false) throws(BrokerError) {
        if name.isEmpty { throw .defaultExchange }
        if name.hasPrefix("amq.") {
            throw BrokerError(.accessRefused, "exchange name '\(name)' contains reserved prefix 'amq.*'")
        }
        guard exchanges[name] != nil else { throw .noExchange(name, vhost: vhost) }
        let touching = bindings.filter { $0.source == name || $0.destination == .exchange(name) }
        if ifUnused && touching.contains(where: { $0.source == name }) {
            throw BrokerError(.preconditionFailed, "exchange '\(name)' in vhost '\(vhost)' in use")
        }
        for binding in touching { removeBinding(binding) }
        exchanges[name] = nil
        routers[name] = nil
        autoDeleteCandidates.remove(name)
    }
}
