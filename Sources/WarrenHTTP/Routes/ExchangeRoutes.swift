// ExchangeRoutes.swift: /api/exchanges: list, declare, delete, publish, an exchange's bindings.
import Foundation
import Hummingbird
import NIOCore
import WarrenBroker

struct ExchangeRoutes {
    let broker: Broker

    func register(on api: RouterGroup<ManagementRequestContext>) {
        api.get("exchanges") { _, _ in try await list(vhost: nil) }
        api.get("exchanges/:vhost") { _, context in try await list(vhost: try vhost(context)) }
        api.get("exchanges/:vhost/:name") { _, context in
            let (vhost, name) = (try vhost(context), try Self.name(context))
            guard let topology = try await broker.topologies().get().first(where: { $0.vhost == vhost }),
                  let exchange = topology.exchanges[name] else { throw APIError.notFound }
            return try JSONBody.response(ObjectJSON.exchange(vhost: vhost, exchange))
        }
        api.put("exchanges/:vhost/:name") { request, context in
            let (vhost, name) = (try vhost(context), try Self.name(context))
            let body = try await JSONBody.read(request, context: context)
            guard let typeName = body["type"].flatMap(Self.string) else { throw APIError.badRequest("[{key_missing,type}]") }
            guard let type = ExchangeType(rawValue: typeName) else {
                throw APIError.badRequest("unknown exchange type '\(typeName)'")
            }
            let existed = try await broker.topologies().get().first { $0.vhost == vhost }?.exchanges[name] != nil
            let definition = ExchangeDefinition(
                name: name, type: type, durable: Self.flag(body["durable"], default: false),
                autoDelete: Self.flag(body["auto_delete"], default: false),
                internal: Self.flag(body["internal"], default: false), arguments: Self.arguments(body["arguments"]))
            do { try await broker.declareExchange(vhost: vhost, definition, passive: false).get() } catch { throw APIError.from(error) }
            return JSONBody.empty(existed ? .noContent : .created)
        }
        api.delete("exchanges/:vhost/:name") { request, context in
            let (vhost, name) = (try vhost(context), try Self.name(context))
            let ifUnused = request.uri.queryParameters.get("if-unused") == "true"
            do { try await broker.deleteExchange(vhost: vhost, name, ifUnused: ifUnused).get() } catch {
                if (error as? BrokerError)?.kind == .preconditionFailed {
                    throw APIError.badRequest("exchange '\(name)' in vhost '\(vhost)' in use")
                }
                throw APIError.from(error)
            }
            return JSONBody.empty(.noContent)
        }
        api.post("exchanges/:vhost/:name/publish") { request, context in
            let (vhost, name) = (try vhost(context), try Self.name(context))
            return try await publish(vhost: vhost, exchange: name, body: try await JSONBody.read(request, context: context))
        }
        api.get("exchanges/:vhost/:name/bindings/source") { _, context in
            try await bindings(vhost: try vhost(context)) { $0.source == (try? Self.name(context)) }
        }
        api.get("exchanges/:vhost/:name/bindings/destination") { _, context in
            try await bindings(vhost: try vhost(context)) { $0.destination == .exchange((try? Self.name(context)) ?? "") }
        }
    }

    /// The vhost of the path, which must exist.
    func vhost(_ context: ManagementRequestContext) throws -> String {
        let vhost = try context.decoded("vhost")
        guard broker.virtualHosts.contains(vhost) else { throw APIError.notFound }
        return vhost
    }

    /// The exchange name of the path; `amq.default` is the default exchange, as in RabbitMQ.
    static func name(_ context: ManagementRequestContext, parameter: String = "name") throws -> String {
        let name = try context.decoded(parameter)
        return name == "amq.default" ? "" : name
    }

    private func list(vhost: String?) async throws -> Response {
        let topologies = try await broker.topologies().get().filter { vhost == nil || $0.vhost == vhost }
        let exchanges = topologies.flatMap { topology in
            topology.exchanges.values.sorted { $0.name < $1.name }.map { ObjectJSON.exchange(vhost: topology.vhost, $0) }
        }
        return try JSONBody.response(.array(exchanges))
    }

    private func bindings(vhost: String, _ include: @escaping (Binding) -> Bool) async throws -> Response {
        guard let topology = try await broker.topologies().get().first(where: { $0.vhost == vhost }) else { throw APIError.notFound }
        return try JSONBody.response(.array(ObjectJSON.bindings(topology).filter(include).map { ObjectJSON.binding(vhost: vhost, $0) }))
    }

    /// RabbitMQ's publish through the API: `{"routed": true|false}`.
    private func publish(vhost: String, exchange: String, body: JSONValue) async throws -> Response {
        var missing: [String] = []
        for key in ["properties", "routing_key", "payload", "payload_encoding"] where body[key] == nil {
            missing.append("{key_missing,\(key)}")
        }
        guard missing.isEmpty, let routingKey = body["routing_key"].flatMap(Self.string),
              let payload = body["payload"].flatMap(Self.string), let encoding = body["payload_encoding"].flatMap(Self.string),
              case .object(let described)? = body["properties"] else {
            throw APIError.badRequest(missing.isEmpty ? "invalid publish" : "[\(missing.joined(separator: ","))]")
        }
        let bytes: [UInt8]
        switch encoding {
        case "string": bytes = Array(payload.utf8)
        case "base64":
            guard let data = Data(base64Encoded: payload) else { throw APIError.badRequest("invalid base64 payload") }
            bytes = Array(data)
        default: throw APIError.badRequest("invalid payload_encoding \(encoding)")
        }
        let table = ArgumentTable.sorted(described.mapValues(\.argument))
        let properties: ByteBuffer
        do { properties = try broker.format.encode(table) } catch { throw APIError.from(error) }
        let persistent = described["delivery_mode"].flatMap { if case .int(let mode) = $0 { mode == 2 } else { nil } } ?? false
        var headers: ArgumentTable?
        if case .object(let members)? = described["headers"] { headers = ArgumentTable.sorted(members.mapValues(\.argument)) }
        let message = Message(exchange: exchange, routingKey: routingKey, properties: properties,
                              body: ByteBuffer(bytes: bytes), persistent: persistent, timestamp: 0)
        do {
            let outcome = try await broker.publish(vhost: vhost, message, routingKeys: [routingKey], headers: headers).get()
            try await outcome.stored.get()
            return try JSONBody.response(.object(["routed": .bool(outcome.queueCount > 0)]))
        } catch {
            throw APIError.from(error)
        }
    }

    static func string(_ value: JSONValue) -> String? {
        if case .string(let text) = value { return text }
        return nil
    }

    /// A flag as RabbitMQ's API takes it: JSON booleans or the strings "true"/"false".
    static func flag(_ value: JSONValue?, default fallback: Bool) -> Bool {
        switch value {
        case .bool(let flag)?: return flag
        case .string(let text)?: return text == "true"
        default: return fallback
        }
    }

    static func arguments(_ value: JSONValue?) -> ArgumentTable {
        guard case .object(let members)? = value else { return [:] }
        return ArgumentTable.sorted(members.mapValues(\.argument))
    }
}
