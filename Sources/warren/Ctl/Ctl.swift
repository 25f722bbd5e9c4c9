// Ctl.swift: `warren ctl`: operate a running node through its management API.
import ArgumentParser
import Foundation

struct Ctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Operate a running Warren through its management API (tables, or --json for scripts).",
        subcommands: [List.self, Purge.self, Delete.self, CloseConnection.self, SetPolicy.self, ClearPolicy.self,
                      AddUser.self, SetPermissions.self, ResetGroup.self])

    /// What `list` can show, with its path and table columns.
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case queues, exchanges, bindings, connections, channels, consumers, groups, users, vhosts, policies

        func path(vhost: String) -> String {
            switch self {
            case .queues, .exchanges, .bindings, .consumers, .policies: return "/api/\(rawValue)/\(vhost)"
            case .groups: return "/api/queues/\(vhost)"
            case .connections, .channels, .users, .vhosts: return "/api/\(rawValue)"
            }
        }

        var columns: [String] {
            switch self {
            case .queues: return ["name", "type", "durable", "messages_ready", "messages_unacknowledged", "consumers"]
            case .exchanges: return ["name", "type", "durable", "auto_delete", "internal"]
            case .bindings: return ["source", "destination", "destination_type", "routing_key"]
            case .connections: return ["name", "user", "vhost", "channels", "state"]
            case .channels: return ["name", "user", "confirm", "prefetch_count", "consumer_count"]
            case .consumers: return ["queue.name", "consumer_tag", "ack_required", "prefetch_count"]
            case .groups: return ["queue", "group", "consumers", "lag"]
            case .users: return ["name", "tags"]
            case .vhosts: return ["name"]
            case .policies: return ["name", "pattern", "apply-to", "priority", "definition"]
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List queues, exchanges, bindings, connections, channels, consumers, groups, users, vhosts or policies.")
        @Argument(help: "One of: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var kind: Kind
        @OptionGroup var options: ManagementOptions

        func run() async throws {
            var rows = try await options.client.list(kind.path(vhost: options.vhostPath))
            if kind == .groups {
                // One row per consumer group of each queue.
                rows = rows.flatMap { queue in
                    ((queue["consumer_groups"] as? [[String: Any]]) ?? []).map { group in
                        var row = group
                        row["queue"] = queue["name"]
                        row["group"] = group["name"]
                        return row
                    }
                }
            }
            try Table.print(rows, columns: kind.columns, json: options.json)
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove every ready message of a queue.")
        @Argument var queue: String
        @OptionGroup var options: ManagementOptions
        func run() async throws {
            try await options.client.call("DELETE", "/api/queues/\(options.vhostPath)/\(ManagementClient.segment(queue))/contents")
            print("purged queue \(queue)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a queue or an exchange.")
        enum Target: String, ExpressibleByArgument { case queue, exchange }
        @Argument(help: "queue or exchange") var target: Target
        @Argument var name: String
        @OptionGroup var options: ManagementOptions
        func run() async throws {
            try await options.client.call("DELETE", "/api/\(target.rawValue)s/\(options.vhostPath)/\(ManagementClient.segment(name))")
            print("deleted \(target.rawValue) \(name)")
        }
    }

    struct CloseConnection: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a client connection (320 CONNECTION_FORCED).")
        @Argument(help: "The connection's name, as `list connections` shows it.") var name: String
        @Option(help: "The reason the client is told.") var reason = "Closed via warren ctl"
        @OptionGroup var options: ManagementOptions
        func run() async throws {
            try await options.client.call("DELETE", "/api/connections/\(ManagementClient.segment(name))", reasonHeader: reason)
            print("closed connection \(name)")
        }
    }

    struct SetPolicy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create or replace a policy.")
        @Argument var name: String
        @Argument(help: "Regular expression over queue or exchange names.") var pattern: String
        @Argument(help: "The definition as JSON, e.g. '{\"max-length\": 1000}'.") var definition: String
        @Option var priority = 0
        @Option(name: .customLong("apply-to")) var applyTo = "all"
        @OptionGroup var options: ManagementOptions
        func run() async throws {
            guard let parsed = try? JSONSerialization.jsonObject(with: Data(definition.utf8)) as? [String: Any] else {
                throw ValidationError("the definition must be a JSON object, e.g. '{\"max-length\": 1000}'")
            }
            try await options.client.call("PUT", "/api/policies/\(options.vhostPath)/\(ManagementClient.segment(name))",
                                          body: ["pattern": pattern, "definition": parsed, "priority": priority, "apply-to": applyTo])
            print("set policy \(name)")
        }
    }

    struct ClearPolicy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a policy.")
        @Argument var name: String
        @OptionGroup var options: ManagementOptions
        func run() async throws {
            try await options.client.call("DELETE", "/api/policies/\(options.vhostPath)/\(ManagementClient.segment(name))")
            print("cleared policy \(name)")
        }
    }

    struct AddUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create or update a user.")
        @Argument var name: String
        @Argument var newPassword: String
        @Option(help: "Comma-separated tags, e.g. administrator or management.") var tags = ""
        @OptionGroup var options: ManagementOptions
        func run() async throws {
            try await options.client.call("PUT", "/api/users/\(ManagementClient.segment(name))",
                                          body: ["password": newPassword, "tags": tags])
            print("added user \(name)")
        }
    }

    struct SetPermissions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's permissions in the vhost.")
        @Argument var name: String
        @Argument var configure: String
        @Argument var write: String
        @Argument var read: String
        @OptionGroup var options: ManagementOptions
        func run() async throws {
            try await options.client.call("PUT", "/api/permissions/\(options.vhostPath)/\(ManagementClient.segment(name))",
                                          body: ["configure": configure, "write": write, "read": read])
            print("set permissions of \(name) in vhost \(options.vhost)")
        }
    }

    struct ResetGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move an idle consumer group to first, last, next, an offset or a timestamp.")
        @Argument var queue: String
        @Argument var group: String
        @Option(help: "first, last, next, an offset, or ts:MILLISECONDS.") var to: String
        @OptionGroup var options: ManagementOptions
        func run() async throws {
            let target: Any
            if ["first", "last", "next"].contains(to) {
                target = to
            } else if let offset = Int64(to), offset >= 0 {
                target = offset
            } else if to.hasPrefix("ts:"), let ms = Int64(to.dropFirst(3)) {
                target = ["timestamp": ms]
            } else {
                throw ValidationError("--to must be first, last, next, an offset or ts:MILLISECONDS, not '\(to)'")
            }
            try await options.client.call(
                "POST", "/api/queues/\(options.vhostPath)/\(ManagementClient.segment(queue))/groups/\(ManagementClient.segment(group))/reset",
                body: ["to": target])
            print("reset group \(group) of queue \(queue) to \(to)")
        }
    }
}
