// Broker+VirtualHosts.swift: the vhosts that exist, and creating and deleting them.
import NIOCore

extension Broker {
    /// The vhosts that exist now, from any thread.
    public var virtualHosts: Set<String> { userDirectory.virtualHosts }

    /// Creates a vhost (true) or finds it exists (false); `creator` gets every permission in it.
    public func addVirtualHost(_ name: String, creator: String? = nil) -> EventLoopFuture<Bool> {
        onLoopRecording { state in try state.addVirtualHost(name, creator: creator) }
    }

    /// Deletes a vhost with everything in it; its connections are closed, as RabbitMQ does.
    public func deleteVirtualHost(_ name: String) -> EventLoopFuture<Void> {
        let clients = self.clients
        return onLoopRecording { state in try state.deleteVirtualHost(name) }.map {
            for connection in clients.all where connection.vhost == name {
                clients.handle(named: connection.name)?.close("vhost '\(name)' is deleted")
            }
        }
    }
}
