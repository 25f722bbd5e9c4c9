// QueueRoutes.swift: /api/queues: list with counts and rates, declare, delete, purge, get,
// a queue's bindings, and Warren's consumer groups (list, lag, reset).
import Foundation
import Hummingbird
import NIOCore
import WarrenBroker

struct QueueRoutes {
    let broker: Broker
    var exchanges: ExchangeRoutes { ExchangeRoutes(broker: broker) }

    func register(on api: RouterGroup<ManagementRequestContext>) {
        api.get("queues") { _, _ in try await list(vhost: nil) }
        api.get("queues/:vhost") { _, context in try await list(vhost: try exchanges.vhost(context)) }
        api.get("queues/:vhost/:name") { _, context in
            let (vhost, name) = (try exchanges.vhost(context), try context.decoded("name"))
            guard let info = try await broker.queueInfo(vhost: vhost, name: name).get() else { throw APIError.notFound }
            let consumers = try await consumerDetails(vhost: vhost, queue: name)
            guard case .object(var members) = ObjectJSON.queue(info) else { throw APIError.notFound }
            members["consumer_details"] = .array(consumers)
            return try JSONBody.response(.object(members))
        }
        api.put("queues/:vhost/:name") { request, context in
            let (vhost, name) = (try exchanges.vhost(context), try context.decoded("name"))
            let body = try await JSONBody.read(request, context: context)
            let existed = try await broker.queueInfo(vhost: vhost, name: name).get() != nil
            let definition = QueueDefinition(
                name: name, durable: ExchangeRoutes.flag(body["durable"], default: false),
                autoDelete: ExchangeRoutes.flag(body["auto_delete"], default: false),
                arguments: ExchangeRoutes.arguments(body["arguments"]))
            do { _ = try await broker.declareQueue(vhost: vhost, definition, passive: false, connection: 0).get() } catch {
                throw APIError.from(error)
            }
            return JSONBody.empty(existed ? .noContent : .created)
        }
        api.delete("queues/:vhost/:name") { request, context in
            let (vhost, name) = (try exchanges.vhost(context), try context.decoded("name"))
            let query = request.uri.queryParameters
            do {
                _ = try await broker.deleteQueue(vhost: vhost, name, ifUnused: query.get("if-unused") == "true",
                                                 ifEmpty: query.get("if-empty") == "true", connection: 0).get()
            } catch { throw APIError.from(error) }
            return JSONBody.empty(.noContent)
        }
        api.delete("queues/:vhost/:name/contents") { _, context in
            let (vhost, name) = (try exchanges.vhost(context), try context.decoded("name"))
            do { _ = try await broker.purgeQueue(vhost: vhost, name, connection: 0).get() } catch { throw APIError.from(error) }
            return JSONBody.empty(.noContent)
        }
        api.post("queues/:vhost/:name/get") { request, context in
            let (vhost, name) = (try exchanges.vhost(context), try context.decoded("name"))
            return try await get(vhost: vhost, queue: name, body: try await JSONBody.read(request, context: context))
        }
        api.get("queues/:vhost/:name/bindings") { _, context in
            let (vhost, name) = (try exchanges.vhost(context), try context.decoded("name"))
            guard let topology = try await broker.topologies().get().first(where: { $0.vhost == vhost }),
                  topology.queues[name] != nil else { throw APIError.notFound }
            let bindings = ObjectJSON.bindings(topology).filter { $0.destination == .queue(name) }
            return try JSONBody.response(.array(bindings.map { ObjectJSON.binding(vhost: vhost, $0) }))
        }
        api.get("queues/:vhost/:name/groups") { _, context in
            let (vhost, name) = (try exchanges.vhost(context), try context.decoded("name"))
            guard let info = try await broker.queueInfo(vhost: vhost, name: name).get() else { throw APIError.notFound }
            return try JSONBody.response(.array(info.groups.map(ObjectJSON.group)))
        }
        // Warren's: move an idle group to {"to": "first" | "last" | "next" | <offset> | {"timestamp": ms}}.
        api.post("queues/:vhost/:name/groups/:group/reset") { request, context in
            let (vhost, name, group) = (try exchanges.vhost(context), try context.decoded("name"), try context.decoded("group"))
            let body = try await JSONBody.read(request, context: context)
            guard let start = Self.offset(body["to"]) else {
                throw APIError.badRequest("'to' must be first, last, next, an offset or {\"timestamp\": ms}")
            }
            do { try await broker.resetGroup(vhost: vhost, queue: name, group: group, to: start).get() } catch {
                throw APIError.from(error)
            }
            return JSONBody.empty(.noContent)
        }
    }

    static func offset(_ value: JSONValue?) -> StreamOffset? {
        switch value {
        case .string("first")?: return .first
        case .string("last")?: return .last
        case .string("next")?: return .next
        case .int(let offset)? where offset >= 0: return .offset(UInt64(offset))
        case .object(let members)?:
            if case .int(let ms)? = members["timestamp"] { return .timestamp(ms) }
            return nil
        default: return nil
        }
    }

    /// An integer as RabbitMQ's API takes it: a JSON number or a string of digits.
    static func integer(_ value: JSONValue?) -> Int64? {
        switch value {
        case .int(let number)?: return number
        case .string(let text)?: return Int64(text)
        default: return nil
        }
    }

    private func list(vhost: String?) async throws -> Response {
        try JSONBody.response(.array(try await broker.queueInfos(vhost: vhost).get().map(ObjectJSON.queue)))
    }

    private func consumerDetails(vhost: String, queue: String) async throws -> [JSONValue] {
        let connections = Dictionary(broker.clients.all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return try await broker.consumerInfos(vhost: vhost).get().filter { $0.queue == queue }
            .map { ObjectJSON.consumer($0, connections: connections) }
    }

    /// RabbitMQ's `/get`: up to `count` messages, acked or requeued as `ackmode` says.
    private func get(vhost: String, queue: String, body: JSONValue) async throws -> Response {
        var missing: [String] = []
        for key in ["count", "ackmode", "encoding"] where body[key] == nil { missing.append("{key_missing,\(key)}") }
        guard missing.isEmpty, let count = Self.integer(body["count"]), case .string(let ackMode)? = body["ackmode"],
              case .string(let encoding)? = body["encoding"] else {
            throw APIError.badRequest(missing.isEmpty ? "invalid get" : "[\(missing.joined(separator: ","))]")
        }
        let requeue: Bool
        switch ackMode {
        case "ack_requeue_true", "reject_requeue_true": requeue = true
        case "ack_requeue_false", "reject_requeue_false": requeue = false
        default: throw APIError.badRequest("invalid ackmode \(ackMode)")
        }
        let truncate = Self.integer(body["truncate"]).map { Int(clamping: $0) }
        if let truncate, truncate < 0 { throw APIError.badRequest("truncate must not be negative, got \(truncate)") }
        var taken: [(Delivery, UInt64)] = []
        do {
            for _ in 0..<max(0, count) {
                guard let got = try await broker.get(vhost: vhost, queue: queue, noAck: false, consumer: 0,
                                                     connection: 0).get() else { break }
                taken.append(got)
            }
        } catch {
            // What was taken before the failure goes back.
            if !taken.isEmpty { broker.settle(vhost: vhost, taken.map(\.0.reference), .requeue) }
            if let error = error as? BrokerError, error.kind == .notFound {
                throw APIError(status: .notFound, error: "not_found", reason: "NOT_FOUND - \(error.text)")
            }
            throw APIError.from(error)
        }
        if !taken.isEmpty {
            broker.settle(vhost: vhost, taken.map(\.0.reference), requeue ? .requeue : .ack)
        }
        let messages = taken.map { delivery, remaining in
            // RabbitMQ writes no properties as an empty list.
            let described = JSONValue.members(broker.format.describe(delivery.message.properties))
            return Self.json(delivery, remaining: remaining, properties: described.isEmpty ? .array([]) : .object(described),
                             base64: encoding == "base64", truncate: truncate)
        }
        return try JSONBody.response(.array(messages))
    }

    private static func json(_ delivery: Delivery, remaining: UInt64, properties: JSONValue, base64: Bool,
                             truncate: Int?) -> JSONValue {
        var bytes = Array(delivery.message.body.readableBytesView)
        let size = bytes.count
        if let truncate, bytes.count > truncate { bytes = Array(bytes.prefix(truncate)) }
        let text = String(validating: bytes, as: UTF8.self)
        let payload: (String, String) = !base64 && text != nil
            ? (text!, "string") : (Data(bytes).base64EncodedString(), "base64")
        return .object([
            "payload_bytes": .int(Int64(size)), "redelivered": .bool(delivery.redelivered),
            "exchange": .string(delivery.message.exchange), "routing_key": .string(delivery.message.routingKey),
            "message_count": .int(Int64(remaining)), "properties": properties,
            "payload": .string(payload.0), "payload_encoding": .string(payload.1),
        ])
    }
}
