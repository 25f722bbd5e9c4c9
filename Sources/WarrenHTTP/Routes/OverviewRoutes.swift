// OverviewRoutes.swift: /api/overview, /api/nodes and the alarm health check.
import Foundation
import Hummingbird
import WarrenBroker

struct OverviewRoutes {
    let broker: Broker
    let configuration: ManagementConfiguration
    /// The RabbitMQ version whose management API these routes follow.
    static let rabbitmqVersion = "3.10.8"
    static let startedAt = Date()

    func register(on api: RouterGroup<ManagementRequestContext>) {
        api.get("overview") { _, _ in try JSONBody.response(try await overview()) }
        api.get("cluster-name") { _, _ in try JSONBody.response(.object(["name": .string(ObjectJSON.node)])) }
        api.get("extensions") { _, _ in try JSONBody.response(.array([])) }
        api.get("nodes") { _, _ in try JSONBody.response(.array([node()])) }
        api.get("nodes/:name") { _, context in
            guard try context.decoded("name") == ObjectJSON.node else { throw APIError.notFound }
            return try JSONBody.response(node())
        }
        // RabbitMQ's health check: 200 {"status":"ok"}, or 503 with the alarms in effect.
        api.get("health/checks/alarms") { _, _ in
            let status = broker.resources.status
            var alarms: [JSONValue] = []
            if status.memoryAlarm { alarms.append(.object(["node": .string(ObjectJSON.node), "resource": .string("memory")])) }
            if status.diskAlarm { alarms.append(.object(["node": .string(ObjectJSON.node), "resource": .string("disk")])) }
            guard alarms.isEmpty else {
                return try JSONBody.response(.object(["status": .string("failed"), "reason": .string("resource alarm(s) in effect in the cluster"),
                                                      "alarms": .array(alarms)]), status: .serviceUnavailable)
            }
            return try JSONBody.response(.object(["status": .string("ok")]))
        }
    }

    private func overview() async throws -> JSONValue {
        let node = try await broker.nodeInfo().get()
        let clients = broker.clients.all
        let ready = Int64(node.messagesReady)
        let unacked = Int64(node.messagesUnacknowledged)
        return .object([
            "management_version": .string(Self.rabbitmqVersion), "rabbitmq_version": .string(Self.rabbitmqVersion),
            "product_name": .string("Warren"), "product_version": .string(configuration.productVersion),
            "cluster_name": .string(ObjectJSON.node), "node": .string(ObjectJSON.node),
            "message_stats": .object([
                "publish": .int(Int64(node.counters.published)), "publish_details": ObjectJSON.rate(node.rates.published),
                "deliver_get": .int(Int64(node.counters.delivered)), "deliver_get_details": ObjectJSON.rate(node.rates.delivered),
                "redeliver": .int(Int64(node.counters.redelivered)), "redeliver_details": ObjectJSON.rate(node.rates.redelivered),
                "ack": .int(Int64(node.counters.acknowledged)), "ack_details": ObjectJSON.rate(node.rates.acknowledged),
            ]),
            "queue_totals": .object([
                "messages": .int(ready + unacked), "messages_details": ObjectJSON.rate(0),
                "messages_ready": .int(ready), "messages_ready_details": ObjectJSON.rate(0),
                "messages_unacknowledged": .int(unacked), "messages_unacknowledged_details": ObjectJSON.rate(0),
            ]),
            "object_totals": .object([
                "connections": .int(Int64(clients.count)),
                "channels": .int(Int64(clients.reduce(0) { $0 + $1.channels.count })),
                "exchanges": .int(Int64(node.exchanges)), "queues": .int(Int64(node.queues)),
                "consumers": .int(Int64(node.consumers)),
            ]),
            "listeners": .array(configuration.listeners.map { listener in
                .object(["node": .string(ObjectJSON.node), "protocol": .string(listener.protocol),
                         "ip_address": .string("127.0.0.1"), "port": .int(Int64(listener.port))])
            }),
            "exchange_types": .array(ExchangeType.allCases.map { type in
                .object(["name": .string(type.rawValue), "enabled": .bool(true)])
            }),
        ])
    }

    private func node() -> JSONValue {
        let status = broker.resources.status
        return .object([
            "name": .string(ObjectJSON.node), "type": .string("disc"), "running": .bool(true),
            "mem_used": .int(status.memoryUsedBytes), "mem_limit": .int(status.memoryLimitBytes),
            "mem_alarm": .bool(status.memoryAlarm), "disk_free": .int(status.diskFreeBytes),
            "disk_free_limit": .int(status.diskFreeLimitBytes), "disk_free_alarm": .bool(status.diskAlarm),
            "processors": .int(Int64(ProcessInfo.processInfo.activeProcessorCount)),
            "uptime": .int(Int64(Date().timeIntervalSince(Self.startedAt) * 1000)),
            "os_pid": .string("\(ProcessInfo.processInfo.processIdentifier)"), "partitions": .array([]),
        ])
    }
}
