// PolicyValidation.swift: the policy settings Warren knows, checked as RabbitMQ checks them
// (reply texts included, Erlang's rendering of values too).

extension Policy {
    /// Every setting a queue policy may hold. `queue-mode` is accepted and has no effect: a
    /// log keeps every message on disk already. `consumer-timeout` is RabbitMQ 3.12's.
    static let settings: [String: @Sendable (ArgumentValue) -> String?] = [
        "message-ttl": { nonNegativeInteger($0) ? nil : "\(term($0)) is not a valid message TTL" },
        "expires": { positiveInteger($0) ? nil : "\(term($0)) is not a valid queue expiry" },
        "max-length": { nonNegativeInteger($0) ? nil : "\(term($0)) is not a valid maximum length" },
        "max-length-bytes": { nonNegativeInteger($0) ? nil : "\(term($0)) is not a valid maximum length in bytes" },
        "overflow": {
            OverflowBehaviour(rawValue: $0.string ?? "") != nil ? nil : "\(term($0)) is not a valid overflow value"
        },
        "dead-letter-exchange": { $0.string != nil ? nil : "\(term($0)) is not a valid dead letter exchange name" },
        "dead-letter-routing-key": { $0.string != nil ? nil : "\(term($0)) is not a valid dead letter routing key" },
        "delivery-limit": { nonNegativeInteger($0) ? nil : "\(term($0)) is not a valid delivery limit" },
        "max-age": {
            $0.string.flatMap(QueueArguments.parseMaxAge) != nil ? nil : "\(term($0)) is not a valid max age"
        },
        "consumer-timeout": { positiveInteger($0) ? nil : "\(term($0)) is not a valid consumer timeout" },
        "queue-mode": { ["default", "lazy"].contains($0.string) ? nil : "\(term($0)) is not a valid queue-mode value" },
    ]

    /// Checks the definition: refuses unknown settings and bad values with RabbitMQ's texts.
    public func validate() throws(PolicyError) {
        guard !definition.isEmpty else { throw PolicyError("no policy provided") }
        let unknown = definition.entries.filter { Self.settings[$0.key] == nil }
        if !unknown.isEmpty {
            let list = unknown.map { "{\(Self.term(.string($0.key))),\(Self.term($0.value))}" }.joined(separator: ",")
            throw PolicyError("[\(list)] are not recognised policy settings")
        }
        for (key, value) in definition.entries {
            if let reason = Self.settings[key]?(value) { throw PolicyError(reason) }
        }
    }

    private static func nonNegativeInteger(_ value: ArgumentValue) -> Bool {
        if case .int(let number) = value { return number >= 0 }
        return false
    }

    private static func positiveInteger(_ value: ArgumentValue) -> Bool {
        if case .int(let number) = value { return number > 0 }
        return false
    }

    /// A value as Erlang's `~p` prints it, which RabbitMQ's texts contain (`<<"x">>`, `5`).
    public static func term(_ value: ArgumentValue) -> String { value.erlangTerm }
}

extension ArgumentValue {
    /// The value as Erlang's `~p` prints it, as RabbitMQ's error texts show client values:
    /// strings as binaries (`<<"x">>`), integers and booleans as they are, tables as lists.
    public var erlangTerm: String {
        switch self {
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return "\(number)"
        case .double(let number): return "\(number)"
        case .bytes: return "<<\"\(string ?? "")\">>"
        case .array(let values): return "[" + values.map(\.erlangTerm).joined(separator: ",") + "]"
        case .table(let table):
            return "[" + table.entries.map { "{<<\"\($0.key)\">>,\($0.value.erlangTerm)}" }.joined(separator: ",") + "]"
        case .void: return "null"
        case .decimal(_, let number): return "\(number)"
        case .timestamp(let number): return "\(number)"
        }
    }
}
