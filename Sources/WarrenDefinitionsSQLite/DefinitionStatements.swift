// DefinitionStatements.swift: each definitions change as SQL, and rows back into definitions.
import SQLiteNIO
import WarrenBroker

/// One SQL statement with its bound values.
struct Statement {
    var sql: String
    var binds: [SQLiteData]
}

enum DefinitionStatements {
    static func statements(for change: DefinitionChange) throws -> [Statement] {
        switch change {
        case .putExchange(let vhost, let exchange):
            return [Statement(sql: """
                INSERT INTO exchanges (vhost, name, type, auto_delete, internal, arguments) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (vhost, name) DO UPDATE SET type = excluded.type, auto_delete = excluded.auto_delete,
                    internal = excluded.internal, arguments = excluded.arguments
                """, binds: [.text(vhost), .text(exchange.name), .text(exchange.type.rawValue),
                             .integer(exchange.autoDelete ? 1 : 0), .integer(exchange.internal ? 1 : 0),
                             .text(try StoredTable.json(exchange.arguments))])]
        case .deleteExchange(let vhost, let name):
            return [
                Statement(sql: "DELETE FROM exchanges WHERE vhost = ? AND name = ?", binds: [.text(vhost), .text(name)]),
                Statement(sql: """
                    DELETE FROM bindings WHERE vhost = ? AND (source = ? OR (destination_kind = 'exchange' AND destination = ?))
                    """, binds: [.text(vhost), .text(name), .text(name)]),
            ]
        case .putQueue(let vhost, let queue):
            return [Statement(sql: """
                INSERT INTO queues (vhost, name, auto_delete, arguments) VALUES (?, ?, ?, ?)
                ON CONFLICT (vhost, name) DO UPDATE SET auto_delete = excluded.auto_delete, arguments = excluded.arguments
                """, binds: [.text(vhost), .text(queue.name), .integer(queue.autoDelete ? 1 : 0),
                             .text(try StoredTable.json(queue.arguments))])]
        case .deleteQueue(let vhost, let name):
            return [
                Statement(sql: "DELETE FROM queues WHERE vhost = ? AND name = ?", binds: [.text(vhost), .text(name)]),
                Statement(sql: "DELETE FROM bindings WHERE vhost = ? AND destination_kind = 'queue' AND destination = ?",
                          binds: [.text(vhost), .text(name)]),
                Statement(sql: "DELETE FROM consumer_groups WHERE vhost = ? AND queue = ?", binds: [.text(vhost), .text(name)]),
            ]
        case .putGroup(let vhost, let queue, let group):
            return [Statement(sql: "INSERT OR IGNORE INTO consumer_groups (vhost, queue, name) VALUES (?, ?, ?)",
                              binds: [.text(vhost), .text(queue), .text(group)])]
        case .putPolicy(let vhost, let policy):
            return [Statement(sql: """
                INSERT INTO policies (vhost, name, pattern, apply_to, priority, definition) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (vhost, name) DO UPDATE SET pattern = excluded.pattern, apply_to = excluded.apply_to,
                    priority = excluded.priority, definition = excluded.definition
                """, binds: [.text(vhost), .text(policy.name), .text(policy.pattern), .text(policy.applyTo.rawValue),
                             .integer(policy.priority), .text(try StoredTable.json(policy.definition))])]
        case .deletePolicy(let vhost, let name):
            return [Statement(sql: "DELETE FROM policies WHERE vhost = ? AND name = ?", binds: [.text(vhost), .text(name)])]
        case .putUser(let user):
            return [Statement(sql: """
                INSERT INTO users (name, password_hash, tags) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, tags = excluded.tags
                """, binds: [.text(user.name), user.passwordHash.map(SQLiteData.text) ?? .null,
                             .text(user.tags.joined(separator: ","))])]
        case .deleteUser(let name):
            return [
                Statement(sql: "DELETE FROM users WHERE name = ?", binds: [.text(name)]),
                Statement(sql: "DELETE FROM permissions WHERE user = ?", binds: [.text(name)]),
                Statement(sql: "DELETE FROM topic_permissions WHERE user = ?", binds: [.text(name)]),
                Statement(sql: "DELETE FROM user_limits WHERE user = ?", binds: [.text(name)]),
            ]
        case .putVhost(let name):
            return [Statement(sql: "INSERT OR IGNORE INTO vhosts (name) VALUES (?)", binds: [.text(name)])]
        case .deleteVhost(let name):
            return ["vhosts WHERE name", "exchanges WHERE vhost", "queues WHERE vhost", "bindings WHERE vhost",
                    "consumer_groups WHERE vhost", "policies WHERE vhost", "permissions WHERE vhost",
                    "topic_permissions WHERE vhost", "vhost_limits WHERE vhost"].map {
                Statement(sql: "DELETE FROM \($0) = ?", binds: [.text(name)])
            }
        case .putVhostLimits(let vhost, let limits):
            return [limits.isEmpty
                ? Statement(sql: "DELETE FROM vhost_limits WHERE vhost = ?", binds: [.text(vhost)])
                : Statement(sql: "INSERT OR REPLACE INTO vhost_limits (vhost, limits) VALUES (?, ?)",
                            binds: [.text(vhost), .text(Self.limitsText(limits))])]
        case .putUserLimits(let user, let limits):
            return [limits.isEmpty
                ? Statement(sql: "DELETE FROM user_limits WHERE user = ?", binds: [.text(user)])
                : Statement(sql: "INSERT OR REPLACE INTO user_limits (user, limits) VALUES (?, ?)",
                            binds: [.text(user), .text(Self.limitsText(limits))])]
        case .putTopicPermission(let vhost, let user, let permission):
            return [Statement(sql: """
                INSERT INTO topic_permissions (vhost, user, exchange, write, read) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (vhost, user, exchange) DO UPDATE SET write = excluded.write, read = excluded.read
                """, binds: [.text(vhost), .text(user), .text(permission.exchange), .text(permission.write),
                             .text(permission.read)])]
        case .deleteTopicPermissions(let vhost, let user, let exchange):
            if let exchange {
                return [Statement(sql: "DELETE FROM topic_permissions WHERE vhost = ? AND user = ? AND exchange = ?",
                                  binds: [.text(vhost), .text(user), .text(exchange)])]
            }
            return [Statement(sql: "DELETE FROM topic_permissions WHERE vhost = ? AND user = ?",
                              binds: [.text(vhost), .text(user)])]
        case .putPermission(let vhost, let user, let permission):
            return [Statement(sql: """
                INSERT INTO permissions (vhost, user, configure, write, read) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (vhost, user) DO UPDATE SET configure = excluded.configure, write = excluded.write,
                    read = excluded.read
                """, binds: [.text(vhost), .text(user), .text(permission.configure), .text(permission.write),
                             .text(permission.read)])]
        case .deletePermission(let vhost, let user):
            return [Statement(sql: "DELETE FROM permissions WHERE vhost = ? AND user = ?", binds: [.text(vhost), .text(user)])]
        case .putBinding(let vhost, let binding):
            return [Statement(sql: """
                INSERT OR IGNORE INTO bindings (vhost, source, destination_kind, destination, routing_key, arguments)
                VALUES (?, ?, ?, ?, ?, ?)
                """, binds: try bindingKey(vhost, binding))]
        case .deleteBinding(let vhost, let binding):
            return [Statement(sql: """
                DELETE FROM bindings WHERE vhost = ? AND source = ? AND destination_kind = ? AND destination = ?
                    AND routing_key = ? AND arguments = ?
                """, binds: try bindingKey(vhost, binding))]
        }
    }

    private static func bindingKey(_ vhost: String, _ binding: Binding) throws -> [SQLiteData] {
        let (kind, destination) = switch binding.destination {
        case .queue(let name): ("queue", name)
        case .exchange(let name): ("exchange", name)
        }
        return [.text(vhost), .text(binding.source), .text(kind), .text(destination), .text(binding.routingKey),
                .text(try StoredTable.json(binding.arguments))]
    }

    // MARK: Rows

    static let selectExchanges = "SELECT vhost, name, type, auto_delete, internal, arguments FROM exchanges ORDER BY seq"
    static let selectQueues = "SELECT vhost, name, auto_delete, arguments FROM queues ORDER BY seq"
    static let selectBindings = """
        SELECT vhost, source, destination_kind, destination, routing_key, arguments FROM bindings ORDER BY seq
        """

    static let selectGroups = "SELECT vhost, queue, name FROM consumer_groups ORDER BY seq"

    static let selectPolicies = "SELECT vhost, name, pattern, apply_to, priority, definition FROM policies ORDER BY seq"

    static func policy(_ row: SQLiteRow) throws -> (String, Policy) {
        let target = try text(row, "apply_to")
        guard let applyTo = PolicyTarget(rawValue: target) else {
            throw DefinitionsStoreError("stored policy has unknown apply-to '\(target)'")
        }
        guard let priority = row.column("priority")?.integer else { throw DefinitionsStoreError("column priority missing") }
        return (try text(row, "vhost"), Policy(
            name: try text(row, "name"), pattern: try text(row, "pattern"), applyTo: applyTo, priority: priority,
            definition: try StoredTable.table(json: try text(row, "definition"))))
    }

    static let selectUsers = "SELECT name, password_hash, tags FROM users ORDER BY seq"
    static let selectPermissions = "SELECT vhost, user, configure, write, read FROM permissions ORDER BY seq"

    static let selectVhostLimits = "SELECT vhost, limits FROM vhost_limits"
    static let selectVhosts = "SELECT name FROM vhosts ORDER BY seq"
    static let selectUserLimits = "SELECT user, limits FROM user_limits"

    static func limitsText(_ limits: [String: Int64]) -> String {
        limits.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
    }

    static func limits(_ text: String) throws -> [String: Int64] {
        var limits: [String: Int64] = [:]
        for pair in text.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Int64(parts[1]) else {
                throw DefinitionsStoreError("stored limit '\(pair)' is not name=value")
            }
            limits[String(parts[0])] = value
        }
        return limits
    }

    static func keyedLimits(_ row: SQLiteRow, key: String) throws -> (String, [String: Int64]) {
        (try text(row, key), try limits(try text(row, "limits")))
    }

    static let selectTopicPermissions = "SELECT vhost, user, exchange, write, read FROM topic_permissions ORDER BY seq"

    static func topicPermission(_ row: SQLiteRow) throws -> (String, String, TopicPermission) {
        (try text(row, "vhost"), try text(row, "user"),
         TopicPermission(exchange: try text(row, "exchange"), write: try text(row, "write"), read: try text(row, "read")))
    }

    static func user(_ row: SQLiteRow) throws -> User {
        let tags = try text(row, "tags")
        return User(name: try text(row, "name"), passwordHash: row.column("password_hash")?.string,
                    tags: tags.isEmpty ? [] : tags.split(separator: ",").map(String.init))
    }

    static func permission(_ row: SQLiteRow) throws -> (String, String, Permission) {
        (try text(row, "vhost"), try text(row, "user"),
         Permission(configure: try text(row, "configure"), write: try text(row, "write"), read: try text(row, "read")))
    }

    static func group(_ row: SQLiteRow) throws -> (vhost: String, queue: String, group: String) {
        (try text(row, "vhost"), try text(row, "queue"), try text(row, "name"))
    }

    static func exchange(_ row: SQLiteRow) throws -> (String, ExchangeDefinition) {
        let typeName = try text(row, "type")
        guard let type = ExchangeType(rawValue: typeName) else {
            throw DefinitionsStoreError("stored exchange has unknown type '\(typeName)'")
        }
        return (try text(row, "vhost"), ExchangeDefinition(
            name: try text(row, "name"), type: type, durable: true, autoDelete: try flag(row, "auto_delete"),
            internal: try flag(row, "internal"), arguments: try StoredTable.table(json: try text(row, "arguments"))))
    }

    static func queue(_ row: SQLiteRow) throws -> (String, QueueDefinition) {
        (try text(row, "vhost"), QueueDefinition(
            name: try text(row, "name"), durable: true, autoDelete: try flag(row, "auto_delete"),
            arguments: try StoredTable.table(json: try text(row, "arguments"))))
    }

    static func binding(_ row: SQLiteRow) throws -> (String, Binding) {
        let name = try text(row, "destination")
        let destination: BindingDestination = try text(row, "destination_kind") == "queue" ? .queue(name) : .exchange(name)
        return (try text(row, "vhost"), Binding(
            source: try text(row, "source"), destination: destination, routingKey: try text(row, "routing_key"),
            arguments: try StoredTable.table(json: try text(row, "arguments"))))
    }

    private static func text(_ row: SQLiteRow, _ column: String) throws -> String {
        guard let value = row.column(column)?.string else { throw DefinitionsStoreError("column \(column) missing") }
        return value
    }

    private static func flag(_ row: SQLiteRow, _ column: String) throws -> Bool {
        guard let value = row.column(column)?.integer else { throw DefinitionsStoreError("column \(column) missing") }
        return value != 0
    }
}
