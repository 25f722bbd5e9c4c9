// PolicyRoutes.swift: /api/policies, in RabbitMQ's JSON shapes and status codes.
import Hummingbird
import WarrenBroker

/// `GET /api/policies[/{vhost}[/{name}]]`, `PUT` and `DELETE /api/policies/{vhost}/{name}`.
struct PolicyRoutes {
    let broker: Broker

    func register(on api: RouterGroup<ManagementRequestContext>) {
        api.get("policies") { _, _ in try await list(vhost: nil) }
        api.get("policies/:vhost") { _, context in
            let vhost = try context.decoded("vhost")
            guard broker.virtualHosts.contains(vhost) else { throw APIError.notFound }
            return try await list(vhost: vhost)
        }
        api.get("policies/:vhost/:name") { _, context in
            let (vhost, name) = (try context.decoded("vhost"), try context.decoded("name"))
            guard let found = try await broker.policies(vhost: vhost).get().first(where: { $0.policy.name == name }) else {
                throw APIError.notFound
            }
            return try JSONBody.response(Self.json(vhost: found.vhost, found.policy))
        }
        api.put("policies/:vhost/:name") { request, context in
            try context.require(["policymaker"])
            let (vhost, name) = (try context.decoded("vhost"), try context.decoded("name"))
            let policy = try Self.policy(named: name, from: try await JSONBody.read(request, context: context))
            do {
                let created = try await broker.setPolicy(vhost: vhost, policy).get()
                return JSONBody.empty(created ? .created : .noContent)
            } catch let error as PolicyError {
                throw APIError.validationFailed(error.reason)
            } catch let error as BrokerError where error.kind == .notFound {
                throw APIError(status: .notFound, error: "not_found", reason: "vhost_not_found")
            }
        }
        api.delete("policies/:vhost/:name") { _, context in
            try context.require(["policymaker"])
            let (vhost, name) = (try context.decoded("vhost"), try context.decoded("name"))
            do { try await broker.clearPolicy(vhost: vhost, name: name).get() } catch is BrokerError {
                throw APIError.notFound
            }
            return JSONBody.empty(.noContent)
        }
    }

    private func list(vhost: String?) async throws -> Response {
        let policies = try await broker.policies(vhost: vhost).get()
        return try JSONBody.response(.array(policies.map { Self.json(vhost: $0.vhost, $0.policy) }))
    }

    static func json(vhost: String, _ policy: Policy) -> JSONValue {
        .object([
            "vhost": .string(vhost), "name": .string(policy.name), "pattern": .string(policy.pattern),
            "apply-to": .string(policy.applyTo.rawValue), "priority": .int(Int64(policy.priority)),
            "definition": .object(JSONValue.members(policy.definition)),
        ])
    }

    /// A policy from a PUT body, refused with RabbitMQ's texts.
    static func policy(named name: String, from body: JSONValue) throws -> Policy {
        guard case .object = body else { throw APIError.notJSON }
        guard let pattern = body["pattern"] else { throw APIError.badRequest("[{key_missing,pattern}]") }
        guard case .string(let text) = pattern else {
            throw APIError.validationFailed("pattern should be a binary but was \(Policy.term(pattern.argument))")
        }
        guard let definition = body["definition"] else { throw APIError.badRequest("[{key_missing,definition}]") }
        guard case .object(let members) = definition else {
            throw APIError.validationFailed("definition must be a dictionary: \(Policy.term(definition.argument))")
        }
        var priority = 0
        if let value = body["priority"] {
            guard case .int(let number) = value, let exact = Int(exactly: number) else {
                throw APIError.validationFailed("priority should be a number, actually was \(Policy.term(value.argument))")
            }
            priority = exact
        }
        var applyTo = PolicyTarget.all
        if let value = body["apply-to"] {
            guard case .string(let target) = value, let parsed = PolicyTarget(rawValue: target) else {
                let shown = value.argument.string ?? Policy.term(value.argument)
                throw APIError.validationFailed(
                    "apply-to '\(shown)' unrecognised; should be 'queues', 'classic_queues', 'quorum_queues', 'streams', 'exchanges' or 'all'")
            }
            applyTo = parsed
        }
        return Policy(name: name, pattern: text, applyTo: applyTo, priority: priority,
                      definition: ArgumentTable.sorted(members.mapValues(\.argument)))
    }
}
