// QueueArguments+Policy.swift: a queue's effective arguments: its x-arguments with the policy
// that applies to it, combined as RabbitMQ 3.10 combines them.
import WarrenLog

extension QueueArguments {
    /// How a policy setting meets the queue's own argument of the same meaning.
    enum PolicyMerge {
        /// The smaller value wins (limits: RabbitMQ's `res_min`).
        case smaller
        /// The queue's argument wins when it has one (RabbitMQ's `res_arg`).
        case argument
    }

    /// Policy setting → x-argument, how the two combine, and the queue types it applies to.
    static let policySettings: [(setting: String, argument: String, merge: PolicyMerge, types: Set<QueueType>)] = [
        ("message-ttl", "x-message-ttl", .smaller, [.classic, .quorum]),
        ("expires", "x-expires", .smaller, [.classic, .quorum]),
        ("max-length", "x-max-length", .smaller, [.classic, .quorum]),
        ("max-length-bytes", "x-max-length-bytes", .smaller, [.classic, .quorum, .stream]),
        ("overflow", "x-overflow", .argument, [.classic, .quorum]),
        ("dead-letter-exchange", "x-dead-letter-exchange", .argument, [.classic, .quorum]),
        ("dead-letter-routing-key", "x-dead-letter-routing-key", .argument, [.classic, .quorum]),
        ("delivery-limit", "x-delivery-limit", .smaller, [.quorum]),
        ("max-age", "x-max-age", .argument, [.stream]),
        ("consumer-timeout", "x-consumer-timeout", .smaller, [.classic, .quorum, .stream]),
    ]

    /// The x-arguments of `definition` with `policy` folded in. A dead-letter routing key
    /// without a dead-letter exchange (a policy may set one alone) is left out, having no effect.
    static func merged(_ definition: QueueDefinition, policy: Policy?) -> ArgumentTable {
        guard let policy else { return definition.arguments }
        let type = definition.arguments["x-queue-type"]?.string.flatMap(QueueType.init(rawValue:)) ?? .classic
        var entries = definition.arguments.entries
        for (setting, argument, merge, types) in policySettings where types.contains(type) {
            guard let value = policy.definition[setting] else { continue }
            guard let index = entries.firstIndex(where: { $0.key == argument }) else {
                entries.append((argument, value))
                continue
            }
            if merge == .smaller, case .int(let own) = entries[index].value, case .int(let given) = value {
                entries[index].value = .int(min(own, given))
            }
        }
        if !entries.contains(where: { $0.key == "x-dead-letter-exchange" }) {
            entries.removeAll { $0.key == "x-dead-letter-routing-key" }
        }
        return ArgumentTable(entries)
    }

    /// The log retention these arguments ask for: streams keep to their size and age, work
    /// queues keep what a group has not settled.
    var retention: RetentionPolicy {
        type == .stream ? RetentionPolicy(mode: .stream, maxBytes: maxLengthBytes, maxAge: maxAge)
            : RetentionPolicy(mode: .workQueue)
    }

    /// What a queue runs with: its arguments and its policy. A combination that does not
    /// validate (it cannot, given validated policies) falls back to the arguments alone.
    static func effective(_ definition: QueueDefinition, vhost: String, policy: Policy?) -> QueueArguments {
        var withPolicy = definition
        withPolicy.arguments = merged(definition, policy: policy)
        if let arguments = try? QueueArguments(withPolicy, vhost: vhost) { return arguments }
        return (try? QueueArguments(definition, vhost: vhost)) ?? QueueArguments()
    }
}
