// HeadersMatch.swift: the headers exchange's binding test.
//
// A binding's arguments name headers and the values they must have; `x-match` says how:
//   all (default)  every named header present with an equal value
//   any            at least one named header present with an equal value
//   all-with-x / any-with-x   the same, but keys starting with "x-" count too
// A binding value of type void matches the header's presence whatever its value. Without
// the "-with-x" modes, binding keys starting with "x-" are ignored (RabbitMQ 3.10 rules).

/// How a headers binding matches.
public enum HeadersMatchMode: String, Sendable {
    case all, any
    case allWithX = "all-with-x"
    case anyWithX = "any-with-x"
}

/// A compiled headers-exchange binding.
public struct HeadersBinding: Sendable, Hashable {
    public let mode: HeadersMatchMode
    /// The header names and values to test, after dropping `x-match` and (unless with-x) `x-*`.
    public let conditions: [(key: String, value: ArgumentValue)]

    /// Compiles binding arguments; nil when `x-match` has a value RabbitMQ refuses.
    public init?(arguments: ArgumentTable) {
        var mode = HeadersMatchMode.all
        if let value = arguments["x-match"] {
            guard let text = value.string, let parsed = HeadersMatchMode(rawValue: text) else { return nil }
            mode = parsed
        }
        let withX = mode == .allWithX || mode == .anyWithX
        self.mode = mode
        self.conditions = arguments.entries.filter { entry in
            entry.key != "x-match" && (withX || !entry.key.hasPrefix("x-"))
        }
    }

    /// True when a message with `headers` is routed by this binding.
    public func matches(_ headers: ArgumentTable?) -> Bool {
        let headers = headers ?? ArgumentTable()
        switch mode {
        case .all, .allWithX:
            return conditions.allSatisfy { Self.satisfied($0, by: headers) }
        case .any, .anyWithX:
            return conditions.contains { Self.satisfied($0, by: headers) }
        }
    }

    private static func satisfied(_ condition: (key: String, value: ArgumentValue), by headers: ArgumentTable) -> Bool {
        guard let actual = headers[condition.key] else { return false }
        if case .void = condition.value { return true }
        return condition.value.matches(actual)
    }

    public static func == (lhs: HeadersBinding, rhs: HeadersBinding) -> Bool {
        lhs.mode == rhs.mode && lhs.conditions.count == rhs.conditions.count
            && zip(lhs.conditions, rhs.conditions).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(mode)
        for condition in conditions {
            hasher.combine(condition.key)
            hasher.combine(condition.value)
        }
    }
}
