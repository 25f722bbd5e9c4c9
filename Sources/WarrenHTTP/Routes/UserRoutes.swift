// UserRoutes.swift: /api/users, /api/permissions and /api/whoami, in RabbitMQ's shapes.
import Foundation
import Hummingbird
import WarrenBroker

/// Users (`GET/PUT/DELETE /api/users[/{name}]`), their permissions
/// (`/api/permissions[/{vhost}/{user}]`, `/api/users/{name}/permissions`) and `/api/whoami`.
/// Everything but whoami is for administrators.
struct UserRoutes {
    let broker: Broker

    func register(on api: RouterGroup<ManagementRequestContext>) {
        api.get("whoami") { _, context in
            let user = context.user!
            return try JSONBody.response(.object(["name": .string(user.name), "tags": .array(user.tags.sorted().map(JSONValue.string))]))
        }
        api.get("users") { _, context in
            try context.require(["administrator"])
            let users = broker.userDirectory.users.values.sorted { $0.name < $1.name }
            return try JSONBody.response(.array(users.map(Self.json)))
        }
        api.get("users/:name") { _, context in
            try context.require(["administrator"])
            guard let user = broker.userDirectory.users[try context.decoded("name")] else { throw APIError.notFound }
            return try JSONBody.response(Self.json(user))
        }
        api.put("users/:name") { request, context in
            try context.require(["administrator"])
            let user = try Self.user(named: try context.decoded("name"), from: try await JSONBody.read(request, context: context))
            return JSONBody.empty(try await broker.putUser(user).get() ? .created : .noContent)
        }
        api.delete("users/:name") { _, context in
            try context.require(["administrator"])
            do { try await broker.deleteUser(try context.decoded("name")).get() } catch is BrokerError { throw APIError.notFound }
            return JSONBody.empty(.noContent)
        }
        api.get("users/:name/permissions") { _, context in
            try context.require(["administrator"])
            let name = try context.decoded("name")
            guard broker.userDirectory.users[name] != nil else { throw APIError.notFound }
            return try JSONBody.response(.array(permissions().filter { $0["user"] == .string(name) }))
        }
        api.get("permissions") { _, context in
            try context.require(["administrator"])
            return try JSONBody.response(.array(permissions()))
        }
        api.get("permissions/:vhost/:user") { _, context in
            try context.require(["administrator"])
            let (vhost, user) = (try context.decoded("vhost"), try context.decoded("user"))
            guard let permission = broker.userDirectory.permission(user: user, vhost: vhost) else { throw APIError.notFound }
            return try JSONBody.response(Self.json(permission, user: user, vhost: vhost))
        }
        api.put("permissions/:vhost/:user") { request, context in
            try context.require(["administrator"])
            let (vhost, user) = (try context.decoded("vhost"), try context.decoded("user"))
            let permission = try Self.permission(from: try await JSONBody.read(request, context: context))
            do {
                return JSONBody.empty(try await broker.setPermission(permission, user: user, vhost: vhost).get() ? .created : .noContent)
            } catch is BrokerError {
                throw APIError.badRequest("vhost_or_user_not_found")
            }
        }
        api.delete("permissions/:vhost/:user") { _, context in
            try context.require(["administrator"])
            let (vhost, user) = (try context.decoded("vhost"), try context.decoded("user"))
            do { try await broker.clearPermission(user: user, vhost: vhost).get() } catch is BrokerError { throw APIError.notFound }
            return JSONBody.empty(.noContent)
        }
    }

    /// `/api/topic-permissions[/{vhost}/{user}]`: `{"exchange", "write", "read"}` per exchange.
    func registerTopicPermissions(on api: RouterGroup<ManagementRequestContext>) {
        api.get("topic-permissions") { _, context in
            try context.require(["administrator"])
            return try JSONBody.response(.array(topicPermissions()))
        }
        api.get("topic-permissions/:vhost/:user") { _, context in
            try context.require(["administrator"])
            let (vhost, user) = (try context.decoded("vhost"), try context.decoded("user"))
            let found = topicPermissions().filter { $0["vhost"] == .string(vhost) && $0["user"] == .string(user) }
            guard !found.isEmpty else { throw APIError.notFound }
            return try JSONBody.response(.array(found))
        }
        api.put("topic-permissions/:vhost/:user") { request, context in
            try context.require(["administrator"])
            let (vhost, user) = (try context.decoded("vhost"), try context.decoded("user"))
            let body = try await JSONBody.read(request, context: context)
            let missing = ["exchange", "write", "read"].filter { body[$0] == nil }
            guard missing.isEmpty else {
                throw APIError.badRequest("[" + missing.map { "{key_missing,\($0)}" }.joined(separator: ",") + "]")
            }
            guard case .string(let exchange)? = body["exchange"], case .string(let write)? = body["write"],
                  case .string(let read)? = body["read"] else { throw APIError.badRequest("exchange, write and read are strings") }
            let permission = TopicPermission(exchange: exchange, write: write, read: read)
            do {
                let created = try await broker.setTopicPermission(permission, user: user, vhost: vhost).get()
                return JSONBody.empty(created ? .created : .noContent)
            } catch is BrokerError {
                throw APIError.badRequest("vhost_or_user_not_found")
            }
        }
        api.delete("topic-permissions/:vhost/:user") { _, context in
            try context.require(["administrator"])
            let (vhost, user) = (try context.decoded("vhost"), try context.decoded("user"))
            do { try await broker.clearTopicPermissions(user: user, vhost: vhost).get() } catch is BrokerError {
                throw APIError.notFound
            }
            return JSONBody.empty(.noContent)
        }
    }

    private func topicPermissions() -> [JSONValue] {
        broker.userDirectory.topicPermissions.sorted { $0.key < $1.key }.flatMap { vhost, users in
            users.sorted { $0.key < $1.key }.flatMap { user, exchanges in
                exchanges.values.sorted { $0.exchange < $1.exchange }.map {
                    JSONValue.object(["user": .string(user), "vhost": .string(vhost), "exchange": .string($0.exchange),
                                      "write": .string($0.write), "read": .string($0.read)])
                }
            }
        }
    }

    private func permissions() -> [JSONValue] {
        let directory = broker.userDirectory
        return directory.permissions.sorted { $0.key < $1.key }.flatMap { vhost, users in
            users.sorted { $0.key < $1.key }.map { Self.json($0.value, user: $0.key, vhost: vhost) }
        }
    }

    static func json(_ user: User) -> JSONValue {
        .object(["name": .string(user.name), "password_hash": .string(user.passwordHash ?? ""),
                 "hashing_algorithm": .string(PasswordHash.sha256Algorithm),
                 "tags": .array(user.tags.map(JSONValue.string)), "limits": .object([:])])
    }

    static func json(_ permission: Permission, user: String, vhost: String) -> JSONValue {
        .object(["user": .string(user), "vhost": .string(vhost), "configure": .string(permission.configure),
                 "write": .string(permission.write), "read": .string(permission.read)])
    }

    /// A user from a PUT body: `password` (hashed here) or `password_hash` (RabbitMQ's
    /// sha256 format, as exported), and `tags` as a comma-separated string or a list.
    static func user(named name: String, from body: JSONValue) throws -> User {
        guard case .object = body else { throw APIError.notJSON }
        var tags: [String] = []
        switch body["tags"] {
        case .string(let text)?: tags = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .array(let values)?: tags = values.compactMap { if case .string(let tag) = $0 { return tag } else { return nil } }
        case nil: break
        default: throw APIError.badRequest("tags must be a string or a list of strings")
        }
        if case .string(let password)? = body["password"] { return User(name: name, password: password, tags: tags) }
        if case .string(let hash)? = body["password_hash"] {
            if case .string(let algorithm)? = body["hashing_algorithm"], algorithm != PasswordHash.sha256Algorithm {
                throw APIError.badRequest("unsupported hashing_algorithm '\(algorithm)'; Warren reads \(PasswordHash.sha256Algorithm)")
            }
            return User(name: name, passwordHash: hash.isEmpty ? nil : hash, tags: tags)
        }
        return User(name: name, passwordHash: nil, tags: tags)
    }

    static func permission(from body: JSONValue) throws -> Permission {
        guard case .object = body else { throw APIError.notJSON }
        let missing = ["configure", "write", "read"].filter { body[$0] == nil }
        guard missing.isEmpty else {
            throw APIError.badRequest("[" + missing.map { "{key_missing,\($0)}" }.joined(separator: ",") + "]")
        }
        var values: [String] = []
        for key in ["configure", "write", "read"] {
            guard case .string(let pattern)? = body[key] else { throw APIError.badRequest("\(key) must be a string") }
            values.append(pattern)
        }
        return Permission(configure: values[0], write: values[1], read: values[2])
    }
}
