// Broker+Inspection.swift: what operators see (management API, /metrics) and can do to groups.
import NIOCore

extension Broker {
    /// Every vhost's exchanges, queues and bindings.
    public func topologies() -> EventLoopFuture<[Topology]> {
        onLoop { state in state.topologies.values.sorted { $0.vhost < $1.vhost } }
    }

    /// Queues with their counts, rates and groups; all vhosts when `vhost` is nil.
    public func queueInfos(vhost: String? = nil) -> EventLoopFuture<[QueueInfo]> {
        onLoop { state in
            state.queues.filter { vhost == nil || $0.key == vhost }.values
                .flatMap { $0.values }
                .map { state.queueInfo($0) }
                .sorted { ($0.vhost, $0.definition.name) < ($1.vhost, $1.definition.name) }
        }
    }

    /// One queue, or nil when there is none.
    public func queueInfo(vhost: String, name: String) -> EventLoopFuture<QueueInfo?> {
        onLoop { state in state.queues[vhost]?[name].map { state.queueInfo($0) } }
    }

    public func consumerInfos(vhost: String? = nil) -> EventLoopFuture<[ConsumerInfo]> {
        onLoop { state in state.consumerInfos(vhost: vhost) }
    }

    /// The node's totals and rates.
    public func nodeInfo() -> EventLoopFuture<NodeInfo> {
        onLoop { state in state.nodeInfo() }
    }

    /// Moves an idle consumer group to `start` (first, last, next, an offset, a timestamp).
    public func resetGroup(vhost: String, queue: String, group: String, to start: StreamOffset) -> EventLoopFuture<Void> {
        onLoop { state in try state.resetGroup(vhost: vhost, queue: queue, group: group, to: start) }
    }
}
