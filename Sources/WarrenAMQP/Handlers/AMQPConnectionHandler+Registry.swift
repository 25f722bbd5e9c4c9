// AMQPConnectionHandler+Registry.swift: the connection as operators see it (management API),
// and what they can do to it: close it, block its publishers.
import AMQPProtocol
import Foundation
import NIOCore
import WarrenBroker

/// Sent through a connection's pipeline by `ClientHandle.close` (management API DELETE).
struct ForcedCloseEvent: Sendable {
    var reason: String
}

/// Sent by `ClientHandle.setBlocked` when a resource alarm fires or clears.
struct ResourceAlarmEvent: Sendable {
    var blocked: Bool
    var reason: String
}

extension AMQPConnectionHandler {
    /// Registers the open connection with the broker's client registry.
    func registerClient(context: ChannelHandlerContext, user: String, vhost: String, tls: Bool) {
        guard let broker else { return }
        let remote = context.channel.remoteAddress
        let local = context.channel.localAddress
        let peerHost = remote?.ipAddress ?? "unknown"
        let peerPort = remote?.port ?? 0
        let host = local?.ipAddress ?? "unknown"
        let port = local?.port ?? 0
        var properties: [String: String] = [:]
        var capabilities: [String: Bool] = [:]
        for entry in machine.clientProperties.entries {
            if let text = entry.value.string { properties[entry.key] = text }
            if entry.key == "capabilities", case .table(let table) = entry.value {
                for capability in table.entries { capabilities[capability.key] = capability.value.bool ?? false }
            }
        }
        let info = ClientConnection(
            id: connectionID, name: "\(peerHost):\(peerPort) -> \(host):\(port)", user: user, vhost: vhost,
            peerHost: peerHost, peerPort: peerPort, host: host, port: port, protocol: "AMQP 0-9-1", tls: tls,
            connectedAt: Int64(Date().timeIntervalSince1970 * 1000), frameMax: machine.frameMax,
            channelMax: machine.channelMax, heartbeatSeconds: machine.heartbeatSeconds,
            clientProperties: properties, capabilities: capabilities)
        let channel = context.channel
        let alarm = broker.clients.add(info, handle: ClientHandle(
            close: { reason in channel.pipeline.fireUserInboundEventTriggered(ForcedCloseEvent(reason: reason)) },
            setBlocked: { blocked, reason in
                channel.pipeline.fireUserInboundEventTriggered(ResourceAlarmEvent(blocked: blocked, reason: reason))
            }))
        registeredClient = true
        if let alarm { session?.resourceAlarm(blocked: true, reason: alarm) }
    }

    func unregisterClient() {
        guard registeredClient else { return }
        registeredClient = false
        broker?.clients.remove(connectionID)
    }

    /// Records a change to one of the connection's channels (opened, mode set, consumers).
    func updateClientChannel(_ number: UInt16, _ change: (inout ClientChannel) -> Void) {
        guard registeredClient else { return }
        broker?.clients.update(connectionID) { connection in
            var channel = connection.channels[number] ?? ClientChannel(number: number)
            change(&channel)
            connection.channels[number] = channel
        }
    }

    func removeClientChannel(_ number: UInt16) {
        guard registeredClient else { return }
        broker?.clients.update(connectionID) { $0.channels[number] = nil }
    }
}

extension AMQPConnectionHandler {
    func updateClientBlocked(_ blocked: Bool) {
        guard registeredClient else { return }
        broker?.clients.update(connectionID) { $0.blocked = blocked }
    }
}
