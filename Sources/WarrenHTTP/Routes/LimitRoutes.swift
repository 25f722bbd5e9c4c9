// LimitRoutes.swift: /api/vhost-limits and /api/user-limits, in RabbitMQ's shapes and texts.
import Hummingbird
import WarrenBroker

/// `GET /api/vhost-limits`, `PUT/DELETE /api/vhost-limits/{vhost}/{name}` with `{"value": N}`,
/// and the same for `/api/user-limits/{user}/{name}`. For administrators.
struct LimitRoutes {
    let broker: Broker

    func register(on api: RouterGroup<ManagementRequestContext>) {
        api.get("vhost-limits") { _, context in
            try context.require(["administrator"])
            let limits = broker.userDirectory.vhostLimits.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
            return try JSONBody.response(.array(limits.map { .object(["vhost": .string($0.key), "value": Self.json($0.value)]) }))
        }
        api.get("vhost-limits/:vhost") { _, context in
            try context.require(["administrator"])
            let vhost = try context.decoded("vhost")
            guard broker.virtualHosts.contains(vhost) else { throw APIError.notFound }
            let limits = broker.userDirectory.vhostLimits[vhost] ?? [:]
            return try JSONBody.response(.array(limits.isEmpty ? [] : [.object(["vhost": .string(vhost), "value": Self.json(limits)])]))
        }
        api.get("user-limits") { _, context in
            try context.require(["administrator"])
            let limits = broker.userDirectory.userLimits.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
            return try JSONBody.response(.array(limits.map { .object(["user": .string($0.key), "value": Self.json($0.value)]) }))
        }
        api.put("vhost-limits/:vhost/:name") { request, context in
            try context.require(["administrator"])
            let (vhost, name) = (try context.decoded("vhost"), try context.decoded("name"))
            let value = try Self.value(named: name, known: LimitKind.vhost, from: try await JSONBody.read(request, context: context))
            do { try await broker.setVhostLimit(name, value: value, vhost: vhost).get() } catch is BrokerError {
                throw APIError.notFound
            }
            return JSONBody.empty(.noContent)
        }
        api.put("user-limits/:user/:name") { request, context in
            try context.require(["administrator"])
            let (user, name) = (try context.decoded("user"), try context.decoded("name"))
            let value = try Self.value(named: name, known: LimitKind.user, from: try await JSONBody.read(request, context: context))
            do { try await broker.setUserLimit(name, value: value, user: user).get() } catch is BrokerError {
                throw APIError.notFound
            }
            return JSONBody.empty(.noContent)
        }
        api.delete("vhost-limits/:vhost/:name") { _, context in
            try context.require(["administrator"])
            let (vhost, name) = (try context.decoded("vhost"), try context.decoded("name"))
            do { try await broker.clearLimit(name, vhost: vhost).get() } catch is BrokerError { throw APIError.notFound }
            return JSONBody.empty(.noContent)
        }
        api.delete("user-limits/:user/:name") { _, context in
            try context.require(["administrator"])
            let (user, name) = (try context.decoded("user"), try context.decoded("name"))
            do { try await broker.clearLimit(name, user: user).get() } catch is BrokerError { throw APIError.notFound }
            return JSONBody.empty(.noContent)
        }
    }

    static func json(_ limits: [String: Int64]) -> JSONValue { .object(limits.mapValues(JSONValue.int)) }

    /// The `value` of a PUT body, refused with RabbitMQ's texts (which, unlike the policy
    /// texts, come without HTML escaping).
    static func value(named name: String, known: Set<String>, from body: JSONValue) throws -> Int64 {
        guard let value = body["value"] else { throw APIError.badRequest("[{key_missing,value}]") }
        guard known.contains(name) else {
            throw APIError.badRequest("Validation failed\n\nUnrecognised terms [{<<\"\(name)\">>,\(value.argument.erlangTerm)}] in limits\n")
        }
        guard case .int(let number) = value else {
            throw APIError.badRequest("Validation failed\n\n\(name) should be a number, actually was \(value.argument.erlangTerm)\n")
        }
        return number
    }
}
