// Topology+Queues.swift: queue declaration, deletion and exclusivity.

extension Topology {
    /// Declares a queue; returns true if it was created. An empty name must be replaced by a
    /// server-generated one (`serverNamed`, which may use the reserved `amq.` prefix) before
    /// calling. `connection` is the declaring connection.
    @discardableResult
    public mutating func declareQueue(_ definition: QueueDefinition, passive: Bool = false, serverNamed: Bool = false,
                                      connection: ConnectionID) throws(BrokerError) -> Bool {
        if let existing = queues[definition.name] {
            try checkExclusiveAccess(existing, connection: connection)
            if passive { return false }
            try checkEquivalent(existing, definition)
            return false
        }
        if passive { throw .noQueue(definition.name, vhost: vhost) }
        if definition.name.hasPrefix("amq.") && !serverNamed {
            throw BrokerError(.accessRefused, "queue name '\(definition.name)' contains reserved prefix 'amq.*'")
        }
        queues[definition.name] = definition
        return true
    }

    /// Refuses a connection other than an exclusive queue's owner (405), as RabbitMQ words it.
    public func checkExclusiveAccess(_ queue: QueueDefinition, connection: ConnectionID) throws(BrokerError) {
        if let owner = queue.exclusiveOwner, owner != connection {
            throw BrokerError(.resourceLocked, "cannot obtain exclusive access to locked queue '\(queue.name)' in vhost '\(vhost)'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.")
        }
    }

    private func checkEquivalent(_ existing: QueueDefinition, _ requested: QueueDefinition) throws(BrokerError) {
        func inequivalent(_ field: String, _ received: Bool, _ current: Bool) -> BrokerError {
            BrokerError(.preconditionFailed, "inequivalent arg '\(field)' for queue '\(existing.name)' in vhost '\(vhost)': received '\(received)' but current is '\(current)'")
        }
        if existing.durable != requested.durable { throw inequivalent("durable", requested.durable, existing.durable) }
        if (existing.exclusiveOwner != nil) != (requested.exclusiveOwner != nil) {
            throw inequivalent("exclusive", requested.exclusiveOwner != nil, existing.exclusiveOwner != nil)
        }
        if existing.autoDelete != requested.autoDelete {
            throw inequivalent("auto_delete", requested.autoDelete, existing.autoDelete)
        }
        for key in Set(existing.arguments.entries.map(\.key) + requested.arguments.entries.map(\.key))
        where Self.equivalenceCheckedArguments.contains(key) {
            let current = existing.arguments[key]
            let received = requested.arguments[key]
            if key == "x-queue-type" {
                // No type is the classic type.
                let classic = ArgumentValue.string("classic")
                if Self.sameArgument(current ?? classic, received ?? classic) { continue }
            }
            guard !Self.sameArgument(current, received) else { continue }
            let difference = if let current, let received {
                "received \(Self.quoted(received)) but current is \(Self.quoted(current))"
            } else {
                "received \(Self.describe(received)) but current is \(Self.describe(current))"
            }
            throw BrokerError(.preconditionFailed, "inequivalent arg '\(key)' for queue '\(existing.name)' in vhost '\(vhost)': \(difference)")
        }
    }

    /// Queue arguments RabbitMQ compares on redeclaration.
    static let equivalenceCheckedArguments: Set<String> = [
        "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-expires", "x-max-length", "x-max-length-bytes",
        "x-max-priority", "x-message-ttl", "x-overflow", "x-queue-type", "x-queue-mode", "x-single-active-consumer",
        "x-delivery-limit", "x-max-age", "x-partitions",
    ]

    static func sameArgument(_ a: ArgumentValue?, _ b: ArgumentValue?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let a?, let b?): return a.matches(b)
        default: return false
        }
    }

    /// RabbitMQ's wording for an argument that only one side has: `the value '5' of type 'long'`.
    static func describe(_ value: ArgumentValue?) -> String {
        guard let value else { return "none" }
        return "the value \(quoted(value)) of type '\(value.rabbitTypeName)'"
    }

    /// RabbitMQ's wording for a value: `'5'`, `'text'`.
    static func quoted(_ value: ArgumentValue) -> String {
        switch value {
        case .int(let v): return "'\(v)'"
        case .bytes: return "'\(value.string ?? "")'"
        case .bool(let v): return "'\(v)'"
        case .double(let v): return "'\(v)'"
        default: return "'\(value)'"
        }
    }

    /// Deletes a queue and its bindings. `ifUnused`/`ifEmpty` are checked by the caller,
    /// which knows consumers and message counts.
    public mutating func deleteQueue(_ name: String) throws(BrokerError) {
        guard queues[name] != nil else { throw .noQueue(name, vhost: vhost) }
        for binding in bindings where binding.destination == .queue(name) { removeBinding(binding) }
        queues[name] = nil
    }

    /// Names of exclusive queues owned by `connection` (deleted when it closes).
    public func exclusiveQueues(of connection: ConnectionID) -> [String] {
        queues.values.filter { $0.exclusiveOwner == connection }.map(\.name)
    }
}
