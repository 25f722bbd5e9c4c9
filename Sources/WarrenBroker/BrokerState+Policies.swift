// BrokerState+Policies.swift: setting and clearing policies, recorded in the definitions
// store, and applying them to the queues they match.

extension BrokerState {
    /// The policy that applies to a queue of `vhost` declared as `definition`.
    func policy(for definition: QueueDefinition, vhost: String) -> Policy? {
        let type = definition.arguments["x-queue-type"]?.string.flatMap(QueueType.init(rawValue:)) ?? .classic
        return policies[vhost].map { Array($0.values) }?.forQueue(definition.name, type: type)
    }

    /// Creates or replaces a policy; true when it is new. Every queue it now matches, or
    /// matched before, runs with its new effective arguments before this returns.
    func setPolicy(vhost: String, _ policy: Policy) throws -> Bool {
        guard policies[vhost] != nil else { throw BrokerError(.notFound, "vhost_not_found") }
        do { try policy.validate() } catch { throw error }
        let compiled = try CompiledPolicy(policy)
        let created = policies[vhost]![policy.name] == nil
        policies[vhost]![policy.name] = compiled
        record([.putPolicy(vhost: vhost, policy)])
        reapplyPolicies(vhost: vhost)
        return created
    }

    func clearPolicy(vhost: String, name: String) throws {
        guard policies[vhost]?[name] != nil else { throw BrokerError(.notFound, "no policy '\(name)' in vhost '\(vhost)'") }
        policies[vhost]![name] = nil
        record([.deletePolicy(vhost: vhost, name: name)])
        reapplyPolicies(vhost: vhost)
    }

    /// Policies of one vhost, or of all (nil), by vhost then name.
    func listPolicies(vhost: String?) -> [(vhost: String, policy: Policy)] {
        policies.filter { vhost == nil || $0.key == vhost }
            .flatMap { entry in entry.value.values.map { (entry.key, $0.policy) } }
            .sorted { ($0.vhost, $0.policy.name) < ($1.vhost, $1.policy.name) }
    }

    /// Gives every queue of `vhost` the policy that now applies to it.
    func reapplyPolicies(vhost: String) {
        for runtime in queues[vhost]?.values ?? [:].values {
            runtime.apply(policy: policy(for: runtime.definition, vhost: vhost))
        }
    }
}
