// HealthRoutes.swift: /api/vhosts (list, create, delete) and /api/aliveness-test/{vhost}.
import Hummingbird
import NIOCore
import WarrenBroker

/// The vhosts, and the aliveness check monitoring runs against RabbitMQ's API.
struct HealthRoutes {
    let broker: Broker

    func register(on api: RouterGroup<ManagementRequestContext>) {
        api.get("vhosts") { _, _ in
            try JSONBody.response(.array(broker.virtualHosts.sorted().map(Self.json)))
        }
        api.get("vhosts/:vhost") { _, context in
            let vhost = try context.decoded("vhost")
            guard broker.virtualHosts.contains(vhost) else { throw APIError.notFound }
            return try JSONBody.response(Self.json(vhost))
        }
        api.put("vhosts/:vhost") { _, context in
            try context.require(["administrator"])
            let vhost = try context.decoded("vhost")
            do {
                let created = try await broker.addVirtualHost(vhost, creator: context.user?.name).get()
                return JSONBody.empty(created ? .created : .noContent)
            } catch { throw APIError.from(error) }
        }
        api.delete("vhosts/:vhost") { _, context in
            try context.require(["administrator"])
            let vhost = try context.decoded("vhost")
            do { try await broker.deleteVirtualHost(vhost).get() } catch { throw APIError.from(error) }
            return JSONBody.empty(.noContent)
        }
        // RabbitMQ's aliveness test: declare the queue `aliveness-test`, publish to it through
        // the default exchange and get the message back.
        api.get("aliveness-test/:vhost") { _, context in
            let vhost = try context.decoded("vhost")
            guard broker.virtualHosts.contains(vhost) else { throw APIError.notFound }
            let queue = "aliveness-test"
            _ = try await broker.declareQueue(vhost: vhost, QueueDefinition(name: queue), passive: false, connection: 0).get()
            let message = Message(exchange: "", routingKey: queue, properties: ByteBuffer(bytes: [0, 0]),
                                  body: ByteBuffer(string: "test_message"), persistent: false, timestamp: 0)
            try await broker.publish(vhost: vhost, message, routingKeys: [queue], headers: nil).get().stored.get()
            var found = false
            while let got = try await broker.get(vhost: vhost, queue: queue, noAck: true, consumer: 0, connection: 0).get() {
                found = found || String(buffer: got.0.message.body) == "test_message"
            }
            guard found else {
                return try JSONBody.response(.object(["status": .string("failed"), "reason": .string("message not returned")]),
                                             status: .serviceUnavailable)
            }
            return try JSONBody.response(.object(["status": .string("ok")]))
        }
    }

    static func json(_ vhost: String) -> JSONValue {
        .object(["name": .string(vhost), "description": .string(vhost == "/" ? "Default virtual host" : ""),
                 "tags": .array([]), "tracing": .bool(false)])
    }
}
