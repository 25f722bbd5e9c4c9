// MetricsRoutes.swift: Prometheus `/metrics` with rabbitmq_prometheus's names where the
// concept exists, so existing dashboards work, plus Warren's own (group lag, segments, fsync).
import Hummingbird
import NIOConcurrencyHelpers
import Prometheus
import WarrenBroker

/// Brings the registry's gauges and counters up to date from the broker at each scrape.
/// Counters keep their running totals; per-object gauges of objects that went are removed.
final class MetricsCollector: Sendable {
    let registry: PrometheusCollectorRegistry
    private struct State {
        var totals: [String: Int64] = [:]
        var objectGauges: [String: Gauge] = [:]
    }
    private let state = NIOLockedValueBox(State())

    init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    /// A metric's full name (no namespace or unit parts) and its help text.
    static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    func update(broker: Broker) async throws {
        let node = try await broker.nodeInfo().get()
        let queues = try await broker.queueInfos().get()
        let clients = broker.clients.all
        let resources = broker.resources.status
        func gauge(_ name: String, _ value: Double, help: String) {
            registry.makeGauge(descriptor: Self.descriptor(name, help), labels: []).set(value)
        }
        gauge("rabbitmq_connections", Double(clients.count), help: "Connections currently open")
        gauge("rabbitmq_channels", Double(clients.reduce(0) { $0 + $1.channels.count }), help: "Channels currently open")
        gauge("rabbitmq_queues", Double(node.queues), help: "Queues available")
        gauge("rabbitmq_consumers", Double(node.consumers), help: "Consumers currently connected")
        gauge("rabbitmq_process_resident_memory_bytes", Double(resources.memoryUsedBytes), help: "Memory used in bytes")
        gauge("rabbitmq_resident_memory_limit_bytes", Double(resources.memoryLimitBytes), help: "Memory high watermark in bytes")
        gauge("rabbitmq_disk_space_available_bytes", Double(resources.diskFreeBytes), help: "Disk space available in bytes")
        gauge("rabbitmq_disk_space_available_limit_bytes", Double(resources.diskFreeLimitBytes), help: "Free disk space low watermark in bytes")
        gauge("rabbitmq_alarms_memory_used_watermark", resources.memoryAlarm ? 1 : 0, help: "Is the memory alarm in effect")
        gauge("rabbitmq_alarms_free_disk_space_watermark", resources.diskAlarm ? 1 : 0, help: "Is the free disk space alarm in effect")

        let counters: [(String, UInt64, String)] = [
            ("rabbitmq_global_messages_received_total", node.counters.published, "Total number of messages received from publishers"),
            ("rabbitmq_global_messages_routed_total", node.counters.routed, "Total number of messages routed to queues"),
            ("rabbitmq_global_messages_unroutable_dropped_total", node.counters.unroutable, "Total number of messages published as non-mandatory into an exchange and dropped as unroutable"),
            ("rabbitmq_global_messages_delivered_total", node.counters.delivered, "Total number of messages delivered to consumers"),
            ("rabbitmq_global_messages_redelivered_total", node.counters.redelivered, "Total number of messages redelivered to consumers"),
            ("rabbitmq_global_messages_acknowledged_total", node.counters.acknowledged, "Total number of messages acknowledged by consumers"),
        ]
        var objectGauges: [String: (name: String, labels: [(String, String)], value: Double, help: String)] = [:]
        for queue in queues {
            let labels = [("vhost", queue.vhost), ("queue", queue.definition.name)]
            let key = "\(queue.vhost)\u{0}\(queue.definition.name)"
            for (name, value, help) in [
                ("rabbitmq_queue_messages_ready", Double(queue.messagesReady), "Messages ready to be delivered to consumers"),
                ("rabbitmq_queue_messages_unacked", Double(queue.messagesUnacknowledged), "Messages delivered to consumers but not yet acknowledged"),
                ("rabbitmq_queue_messages", Double(queue.messagesReady + queue.messagesUnacknowledged), "Sum of ready and unacknowledged messages"),
                ("rabbitmq_queue_consumers", Double(queue.consumers), "Consumers on a queue"),
                ("warren_queue_segments", Double(queue.segmentCount), "Log segments of a queue, all partitions"),
                ("warren_queue_log_bytes", Double(queue.logBytes), "Bytes of a queue's log segments, all partitions"),
            ] {
                objectGauges[name + "\u{0}" + key] = (name, labels, value, help)
            }
            for group in queue.groups {
                for partition in group.partitions {
                    let groupLabels = labels + [("group", group.name), ("partition", "\(partition.index)")]
                    objectGauges["warren_group_lag\u{0}\(key)\u{0}\(group.name)\u{0}\(partition.index)"] =
                        ("warren_group_lag", groupLabels, Double(partition.lag), "Messages of a partition a consumer group has not settled")
                }
            }
        }
        state.withLockedValue { state in
            for (name, total, help) in counters {
                let value = Int64(clamping: total)
                let delta = value - state.totals[name, default: 0]
                if delta > 0 || state.totals[name] == nil {
                    registry.makeCounter(descriptor: Self.descriptor(name, help), labels: [("protocol", "amqp091")]).increment(by: max(0, delta))
                }
                state.totals[name] = max(value, state.totals[name, default: 0])
            }
            for (key, gauge) in state.objectGauges where objectGauges[key] == nil {
                registry.unregisterGauge(gauge)
                state.objectGauges[key] = nil
            }
            for (key, entry) in objectGauges {
                let gauge = registry.makeGauge(descriptor: Self.descriptor(entry.name, entry.help), labels: entry.labels)
                gauge.set(entry.value)
                state.objectGauges[key] = gauge
            }
        }
    }
}

struct MetricsRoutes {
    let broker: Broker
    let collector: MetricsCollector

    func register(on router: Router<ManagementRequestContext>) {
        router.get("metrics") { _, _ in
            try await collector.update(broker: broker)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: collector.registry.emitToBuffer())))
        }
    }
}
