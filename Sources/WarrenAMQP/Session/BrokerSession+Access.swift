// BrokerSession+Access.swift: the permissions each method needs, as RabbitMQ checks them
// (configure, write, read regular expressions per user and vhost), refused with 403.
import AMQPProtocol
import WarrenBroker

extension BrokerSession {
    /// RabbitMQ's name for the default exchange in permission checks.
    static let defaultExchangeResource = "amq.default"

    /// What `method` needs: (access, resource kind, name), in the order RabbitMQ checks them.
    static func accessNeeded(by method: Method) -> [(WarrenBroker.Access, String, String)] {
        func exchange(_ name: String) -> String { name.isEmpty ? defaultExchangeResource : name }
        switch method {
        case .exchangeDeclare(let m):
            guard !m.passive else { return [] }
            var needed: [(WarrenBroker.Access, String, String)] = [(.configure, "exchange", m.exchange)]
            if case .longString(let bytes)? = m.arguments["alternate-exchange"] {
                needed += [(.read, "exchange", m.exchange), (.write, "exchange", String(decoding: bytes, as: UTF8.self))]
            }
            return needed
        case .exchangeDelete(let m): return [(.configure, "exchange", m.exchange)]
        case .exchangeBind(let m): return [(.write, "exchange", m.destination), (.read, "exchange", m.source)]
        case .exchangeUnbind(let m): return [(.write, "exchange", m.destination), (.read, "exchange", m.source)]
        case .queueDeclare(let m):
            guard !m.passive, !m.queue.isEmpty else { return [] }
            var needed: [(WarrenBroker.Access, String, String)] = [(.configure, "queue", m.queue)]
            if case .longString(let bytes)? = m.arguments["x-dead-letter-exchange"] {
                needed += [(.read, "queue", m.queue), (.write, "exchange", exchange(String(decoding: bytes, as: UTF8.self)))]
            }
            return needed
        case .queueDelete(let m): return [(.configure, "queue", m.queue)]
        case .queueBind(let m): return [(.write, "queue", m.queue), (.read, "exchange", exchange(m.exchange))]
        case .queueUnbind(let m): return [(.write, "queue", m.queue), (.read, "exchange", exchange(m.exchange))]
        case .queuePurge(let m): return [(.read, "queue", m.queue)]
        case .basicGet(let m): return [(.read, "queue", m.queue)]
        case .basicConsume(let m): return [(.read, "queue", m.queue)]
        default: return []
        }
    }

    /// The first permission `method` needs that the user lacks, as RabbitMQ words it.
    func refusal(for method: Method) -> BrokerError? {
        if let refused = refusal(Self.accessNeeded(by: method)) { return refused }
        if case .queueBind(let m) = method { return topicRefusal(.read, exchange: m.exchange, routingKey: m.routingKey) }
        if case .queueUnbind(let m) = method { return topicRefusal(.read, exchange: m.exchange, routingKey: m.routingKey) }
        return nil
    }

    func refusal(_ needed: [(WarrenBroker.Access, String, String)]) -> BrokerError? {
        for (access, kind, name) in needed
        where !directory.allows(access, user: user, vhost: vhost, resource: name, patterns: patterns) {
            return BrokerError(.accessRefused, "access to \(kind) '\(name)' in vhost '\(vhost)' refused for user '\(user)'")
        }
        return nil
    }

    /// Why the user may not publish to `exchange` with `routingKey` (write on the exchange, then
    /// the topic permission), or nil; an allowed pair is remembered until the next one.
    func publishRefusal(exchange: String, routingKey: String) -> BrokerError? {
        if let allowed = publishAllowed, allowed.exchange == exchange, allowed.routingKey == routingKey { return nil }
        let resource = exchange.isEmpty ? Self.defaultExchangeResource : exchange
        if let refused = refusal([(.write, "exchange", resource)])
            ?? topicRefusal(.write, exchange: exchange, routingKey: routingKey) {
            return refused
        }
        publishAllowed = (exchange, routingKey)
        return nil
    }

    /// RabbitMQ's topic authorisation: the routing key a user publishes with (write) or binds
    /// a queue with (read) must match their topic permission on that exchange, if they have one.
    /// (RabbitMQ applies topic permissions to topic exchanges; they are set per exchange name.)
    func topicRefusal(_ access: WarrenBroker.Access, exchange: String, routingKey: String) -> BrokerError? {
        guard !directory.allowsTopic(access, user: user, vhost: vhost, exchange: exchange, routingKey: routingKey,
                                      patterns: patterns) else {
            return nil
        }
        return BrokerError(.accessRefused, "access to topic '\(routingKey)' in exchange '\(exchange)' in vhost '\(vhost)' refused for user '\(user)'")
    }
}
