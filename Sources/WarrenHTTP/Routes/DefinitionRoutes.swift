// DefinitionRoutes.swift: /api/definitions: export (GET) and import (POST, all or nothing)
// in RabbitMQ 3.x's definitions format.
import Hummingbird
import WarrenBroker

struct DefinitionRoutes {
    let broker: Broker
    let configuration: ManagementConfiguration

    func register(on api: RouterGroup<ManagementRequestContext>) {
        api.get("definitions") { _, context in
            try context.require(["administrator"])
            let file = try await broker.exportDefinitions().get()
            return try JSONBody.response(Self.json(file, version: configuration.productVersion))
        }
        api.post("definitions") { request, context in
            try context.require(["administrator"])
            let (file, skipped) = try Self.file(from: try await JSONBody.read(request, context: context))
            var report: ImportReport
            do { report = try await broker.importDefinitions(file).get() } catch let error as BrokerError {
                // The whole file is refused; the text names the entry.
                throw APIError.badRequest("definitions not imported (nothing was changed): \(error.text)")
            } catch { throw APIError.from(error) }
            report.skipped = skipped
            // 204 as RabbitMQ answers; `?report=true` (warren definitions import) gets what was done.
            guard request.uri.queryParameters.get("report") == "true" else { return JSONBody.empty(.noContent) }
            return try JSONBody.response(Self.json(report))
        }
    }

    static func json(_ report: ImportReport) -> JSONValue {
        .object([
            "created": .object(report.created.mapValues { .int(Int64($0)) }),
            "unchanged": .object(report.unchanged.mapValues { .int(Int64($0)) }),
            "skipped": .array(report.skipped.map(JSONValue.string)),
        ])
    }

    static func json(_ file: DefinitionsFile, version: String) -> JSONValue {
        .object([
            "rabbit_version": .string(OverviewRoutes.rabbitmqVersion), "rabbitmq_version": .string(OverviewRoutes.rabbitmqVersion),
            "product_name": .string("Warren"), "product_version": .string(version),
            "users": .array(file.users.map(UserRoutes.json)),
            "vhosts": .array(file.vhosts.map { .object(["name": .string($0)]) }),
            "permissions": .array(file.permissions.map { UserRoutes.json($0.2, user: $0.user, vhost: $0.vhost) }),
            "topic_permissions": .array(file.topicPermissions.map { vhost, user, permission in
                .object(["user": .string(user), "vhost": .string(vhost), "exchange": .string(permission.exchange),
                         "write": .string(permission.write), "read": .string(permission.read)])
            }),
            "parameters": .array(file.vhostLimits.map { vhost, limits in
                .object(["vhost": .string(vhost), "component": .string("vhost-limits"), "name": .string("limits"),
                         "value": .object(limits.mapValues { .int($0) })])
            }), "global_parameters": .array([]),
            "policies": .array(file.policies.map { PolicyRoutes.json(vhost: $0.vhost, $0.1) }),
            "queues": .array(file.queues.map { vhost, queue in
                .object(["name": .string(queue.name), "vhost": .string(vhost), "durable": .bool(queue.durable),
                         "auto_delete": .bool(queue.autoDelete), "arguments": .object(JSONValue.members(queue.arguments))])
            }),
            "exchanges": .array(file.exchanges.map { vhost, exchange in
                guard case .object(var members) = ObjectJSON.exchange(vhost: vhost, exchange) else { return .null }
                members["user_who_performed_action"] = nil
                return .object(members)
            }),
            "bindings": .array(file.bindings.map { vhost, binding in
                guard case .object(var members) = ObjectJSON.binding(vhost: vhost, binding) else { return .null }
                members["properties_key"] = nil
                return .object(members)
            }),
        ])
    }

    /// Parses a definitions file; returns it and what it skips (runtime and global parameters,
    /// which Warren does not have). A malformed entry refuses the whole file.
    static func file(from body: JSONValue) throws -> (DefinitionsFile, [String]) {
        guard case .object = body else { throw APIError.notJSON }
        var file = DefinitionsFile()
        var skipped: [String] = []
        func list(_ key: String) throws -> [JSONValue] {
            switch body[key] {
            case nil, .null?: return []
            case .array(let values)?: return values
            default: throw APIError.badRequest("'\(key)' must be a list")
            }
        }
        func text(_ entry: JSONValue, _ key: String, in kind: String) throws -> String {
            guard case .string(let value)? = entry[key] else { throw APIError.badRequest("\(kind): '\(key)' missing or not a string") }
            return value
        }
        for entry in try list("users") {
            let name = try text(entry, "name", in: "user")
            do { file.users.append(try UserRoutes.user(named: name, from: entry)) } catch let error as APIError {
                throw APIError.badRequest("user '\(name)': \(error.reason)")
            }
        }
        for entry in try list("vhosts") { file.vhosts.append(try text(entry, "name", in: "vhost")) }
        for entry in try list("permissions") {
            file.permissions.append((try text(entry, "vhost", in: "permission"), try text(entry, "user", in: "permission"),
                                     try UserRoutes.permission(from: entry)))
        }
        for entry in try list("topic_permissions") {
            let kind = "topic permission"
            file.topicPermissions.append((try text(entry, "vhost", in: kind), try text(entry, "user", in: kind),
                                          TopicPermission(exchange: try text(entry, "exchange", in: kind),
                                                          write: try text(entry, "write", in: kind),
                                                          read: try text(entry, "read", in: kind))))
        }
        for entry in try list("parameters") {
            let component = (try? text(entry, "component", in: "parameter")) ?? "?"
            let name = (try? text(entry, "name", in: "parameter")) ?? "?"
            let vhost = (try? text(entry, "vhost", in: "parameter")) ?? "?"
            if component == "vhost-limits", case .object(let members)? = entry["value"] {
                var limits: [String: Int64] = [:]
                for (limit, value) in members {
                    guard case .int(let number) = value else { throw APIError.badRequest("vhost limits of '\(vhost)': \(limit) must be an integer") }
                    limits[limit] = number
                }
                file.vhostLimits.append((vhost, limits))
                continue
            }
            skipped.append("parameter \(component)/\(name) in vhost '\(vhost)': runtime parameters are not supported")
        }
        for entry in try list("global_parameters") {
            skipped.append("global parameter \((try? text(entry, "name", in: "global parameter")) ?? "?"): not supported")
        }
        for entry in try list("policies") {
            let name = try text(entry, "name", in: "policy")
            let vhost = try text(entry, "vhost", in: "policy '\(name)'")
            do { file.policies.append((vhost, try PolicyRoutes.policy(named: name, from: entry))) } catch let error as APIError {
                throw APIError.badRequest("policy '\(name)' in vhost '\(vhost)': \(error.reason)")
            }
        }
        for entry in try list("exchanges") {
            let name = try text(entry, "name", in: "exchange")
            let typeName = try text(entry, "type", in: "exchange '\(name)'")
            guard let type = ExchangeType(rawValue: typeName) else {
                throw APIError.badRequest("exchange '\(name)': unknown exchange type '\(typeName)'")
            }
            file.exchanges.append((try text(entry, "vhost", in: "exchange '\(name)'"), ExchangeDefinition(
                name: name, type: type, durable: ExchangeRoutes.flag(entry["durable"], default: true),
                autoDelete: ExchangeRoutes.flag(entry["auto_delete"], default: false),
                internal: ExchangeRoutes.flag(entry["internal"], default: false),
                arguments: ExchangeRoutes.arguments(entry["arguments"]))))
        }
        for entry in try list("queues") {
            let name = try text(entry, "name", in: "queue")
            file.queues.append((try text(entry, "vhost", in: "queue '\(name)'"), QueueDefinition(
                name: name, durable: ExchangeRoutes.flag(entry["durable"], default: true),
                autoDelete: ExchangeRoutes.flag(entry["auto_delete"], default: false),
                arguments: ExchangeRoutes.arguments(entry["arguments"]))))
        }
        for entry in try list("bindings") {
            let kind = "binding"
            let destination = try text(entry, "destination", in: kind)
            let destinationType = try text(entry, "destination_type", in: kind)
            guard destinationType == "queue" || destinationType == "exchange" else {
                throw APIError.badRequest("binding: destination_type must be queue or exchange")
            }
            file.bindings.append((try text(entry, "vhost", in: kind), Binding(
                source: try text(entry, "source", in: kind),
                destination: destinationType == "queue" ? .queue(destination) : .exchange(destination),
                routingKey: (try? text(entry, "routing_key", in: kind)) ?? "",
                arguments: ExchangeRoutes.arguments(entry["arguments"]))))
        }
        return (file, skipped)
    }
}
