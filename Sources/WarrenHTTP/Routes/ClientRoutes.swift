// ClientRoutes.swift: /api/connections (and DELETE to close one), /api/channels, /api/consumers.
import Hummingbird
import WarrenBroker

struct ClientRoutes {
    let broker: Broker

    func register(on api: RouterGroup<ManagementRequestContext>) {
        api.get("connections") { _, _ in try JSONBody.response(.array(broker.clients.all.map(ObjectJSON.connection))) }
        api.get("vhosts/:vhost/connections") { _, context in
            let vhost = try context.decoded("vhost")
            return try JSONBody.response(.array(broker.clients.all.filter { $0.vhost == vhost }.map(ObjectJSON.connection)))
        }
        api.get("connections/:name") { _, context in
            let name = try context.decoded("name")
            guard let connection = broker.clients.all.first(where: { $0.name == name }) else { throw APIError.notFound }
            return try JSONBody.response(ObjectJSON.connection(connection))
        }
        // RabbitMQ closes with 320 CONNECTION_FORCED and the X-Reason header as the text.
        api.delete("connections/:name") { request, context in
            let name = try context.decoded("name")
            guard let handle = broker.clients.handle(named: name) else { throw APIError.notFound }
            let reason = request.headers[.init("X-Reason")!] ?? "Closed via management plugin"
            handle.close(reason)
            return JSONBody.empty(.noContent)
        }
        api.get("connections/:name/channels") { _, context in
            let name = try context.decoded("name")
            guard let connection = broker.clients.all.first(where: { $0.name == name }) else { throw APIError.notFound }
            return try JSONBody.response(.array(channels(of: [connection])))
        }
        api.get("channels") { _, _ in try JSONBody.response(.array(channels(of: broker.clients.all))) }
        api.get("vhosts/:vhost/channels") { _, context in
            let vhost = try context.decoded("vhost")
            return try JSONBody.response(.array(channels(of: broker.clients.all.filter { $0.vhost == vhost })))
        }
        api.get("channels/:name") { _, context in
            let name = try context.decoded("name")
            for connection in broker.clients.all {
                for channel in connection.channels.values where ObjectJSON.channelName(connection, channel.number) == name {
                    return try JSONBody.response(ObjectJSON.channel(connection, channel))
                }
            }
            throw APIError.notFound
        }
        api.get("consumers") { _, _ in try await consumers(vhost: nil) }
        api.get("consumers/:vhost") { _, context in try await consumers(vhost: try context.decoded("vhost")) }
    }

    private func channels(of connections: [ClientConnection]) -> [JSONValue] {
        connections.flatMap { connection in
            connection.channels.values.sorted { $0.number < $1.number }.map { ObjectJSON.channel(connection, $0) }
        }
    }

    private func consumers(vhost: String?) async throws -> Response {
        let connections = Dictionary(broker.clients.all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let consumers = try await broker.consumerInfos(vhost: vhost).get()
        return try JSONBody.response(.array(consumers.map { ObjectJSON.consumer($0, connections: connections) }))
    }
}
