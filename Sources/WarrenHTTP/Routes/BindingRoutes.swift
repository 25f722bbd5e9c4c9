// BindingRoutes.swift: /api/bindings: list, create (Location names the properties key), delete.
import Foundation
import Hummingbird
import WarrenBroker

struct BindingRoutes {
    let broker: Broker
    var exchanges: ExchangeRoutes { ExchangeRoutes(broker: broker) }

    func register(on api: RouterGroup<ManagementRequestContext>) {
        api.get("bindings") { _, _ in try await list(vhost: nil) { _ in true } }
        api.get("bindings/:vhost") { _, context in try await list(vhost: try exchanges.vhost(context)) { _ in true } }
        for (kind, letter) in [("queue", "q"), ("exchange", "e")] {
            api.get("bindings/:vhost/e/:source/\(letter)/:destination") { _, context in
                let (source, destination) = try Self.ends(context, kind: kind)
                return try await list(vhost: try exchanges.vhost(context)) { $0.source == source && $0.destination == destination }
            }
            api.post("bindings/:vhost/e/:source/\(letter)/:destination") { request, context in
                let vhost = try exchanges.vhost(context)
                let (source, destination) = try Self.ends(context, kind: kind)
                let body = try await JSONBody.read(request, context: context)
                let binding = Binding(source: source, destination: destination,
                                      routingKey: body["routing_key"].flatMap(ExchangeRoutes.string) ?? "",
                                      arguments: ExchangeRoutes.arguments(body["arguments"]))
                do { try await broker.bind(vhost: vhost, binding, connection: 0).get() } catch { throw APIError.from(error) }
                var response = JSONBody.empty(.created)
                let path = [vhost, source, letter, Self.name(of: destination), ObjectJSON.propertiesKey(binding)]
                    .map { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", "_", ".", "~"])) ?? $0 }
                response.headers[.location] = "../../../../" + path[0] + "/e/" + path[1] + "/" + path[2] + "/" + path[3] + "/" + path[4]
                return response
            }
            api.get("bindings/:vhost/e/:source/\(letter)/:destination/:props") { _, context in
                let vhost = try exchanges.vhost(context)
                let binding = try await find(vhost: vhost, context: context, kind: kind)
                return try JSONBody.response(ObjectJSON.binding(vhost: vhost, binding))
            }
            api.delete("bindings/:vhost/e/:source/\(letter)/:destination/:props") { _, context in
                let vhost = try exchanges.vhost(context)
                let binding = try await find(vhost: vhost, context: context, kind: kind)
                do { try await broker.unbind(vhost: vhost, binding, connection: 0).get() } catch { throw APIError.from(error) }
                return JSONBody.empty(.noContent)
            }
        }
    }

    private static func ends(_ context: ManagementRequestContext, kind: String) throws -> (String, BindingDestination) {
        let source = try ExchangeRoutes.name(context, parameter: "source")
        let destination = try context.decoded("destination")
        return (source, kind == "queue" ? .queue(destination) : .exchange(destination))
    }

    private static func name(of destination: BindingDestination) -> String {
        switch destination {
        case .queue(let name), .exchange(let name): return name
        }
    }

    private func find(vhost: String, context: ManagementRequestContext, kind: String) async throws -> Binding {
        let (source, destination) = try Self.ends(context, kind: kind)
        let props = try context.decoded("props")
        guard let topology = try await broker.topologies().get().first(where: { $0.vhost == vhost }),
              let binding = topology.bindings.first(where: {
                  $0.source == source && $0.destination == destination && ObjectJSON.propertiesKey($0) == props
              }) else { throw APIError.notFound }
        return binding
    }

    private func list(vhost: String?, _ include: (Binding) -> Bool) async throws -> Response {
        let topologies = try await broker.topologies().get().filter { vhost == nil || $0.vhost == vhost }
        let bindings = topologies.flatMap { topology in
            ObjectJSON.bindings(topology).filter(include).map { ObjectJSON.binding(vhost: topology.vhost, $0) }
        }
        return try JSONBody.response(.array(bindings))
    }
}
