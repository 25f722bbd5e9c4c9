// BrokerState+Inspection.swift: queue, group and node figures for operators, and group resets.
import WarrenLog

extension BrokerState {
    func queueInfo(_ runtime: QueueRuntime) -> QueueInfo {
        let defaultGroup = runtime.groups[QueueRuntime.defaultGroup]
        let unacked = defaultGroup.map { group in group.partitions.reduce(0) { $0 + $1.unacknowledgedCount } } ?? 0
        let ready = runtime.isStream
            ? runtime.partitions.reduce(0) { $0 + ($1.logEnd - $1.logStart) }
            : runtime.messageCount
        return QueueInfo(
            vhost: runtime.vhost, definition: runtime.definition, type: runtime.arguments.type.rawValue,
            policy: runtime.policy?.name, messagesReady: ready, messagesUnacknowledged: UInt64(unacked),
            consumers: runtime.consumerCount, counters: runtime.counters,
            rates: runtime.rateSampler.rates,
            segmentCount: runtime.partitions.reduce(0) { $0 + $1.log.segmentCount },
            logBytes: runtime.partitions.reduce(0) { $0 + $1.log.sizeBytes },
            groups: runtime.groups.values.sorted { $0.name < $1.name }.map { groupInfo($0, of: runtime) })
    }

    func groupInfo(_ group: ConsumerGroupRuntime, of runtime: QueueRuntime) -> GroupInfo {
        let partitions = runtime.partitions.map { partition in
            let state = group.partitions[partition.index]
            let end = partition.logEnd
            let settledAbove = state.settledAboveFloor.count
            let lag = end > state.ackFloor ? end - state.ackFloor - min(settledAbove, end - state.ackFloor) : 0
            return GroupInfo.Partition(index: partition.index, ackFloor: state.ackFloor, cursor: state.readCursor,
                                       logStart: partition.logStart, logEnd: end, lag: lag,
                                       unacknowledged: state.unacknowledgedCount)
        }
        return GroupInfo(name: group.name, consumers: group.members.count, partitions: partitions)
    }

    func consumerInfos(vhost: String?) -> [ConsumerInfo] {
        var infos: [ConsumerInfo] = []
        for (name, runtimes) in queues where vhost == nil || vhost == name {
            for runtime in runtimes.values {
                for group in runtime.groups.values {
                    for member in group.members.values {
                        infos.append(ConsumerInfo(vhost: runtime.vhost, queue: runtime.definition.name, consumer: member.id,
                                                  group: group.name, noAck: member.noAck, exclusive: member.exclusive,
                                                  prefetch: member.prefetch, priority: member.priority,
                                                  label: member.sink.label))
                    }
                }
            }
        }
        return infos
    }

    func nodeInfo() -> NodeInfo {
        var counters = nodeCounters
        var live = retiredQueueCounters
        var ready: UInt64 = 0
        var unacked: UInt64 = 0
        var queueCount = 0
        var consumers = 0
        for runtimes in queues.values {
            for runtime in runtimes.values {
                live.delivered &+= runtime.counters.delivered
                live.redelivered &+= runtime.counters.redelivered
                live.acknowledged &+= runtime.counters.acknowledged
                let info = queueInfo(runtime)
                ready += info.messagesReady
                unacked += info.messagesUnacknowledged
                queueCount += 1
                consumers += runtime.consumerCount
            }
        }
        counters.delivered = live.delivered
        counters.redelivered = live.redelivered
        counters.acknowledged = live.acknowledged
        return NodeInfo(counters: counters, rates: nodeRateSampler.rates, queues: queueCount,
                        exchanges: topologies.values.reduce(0) { $0 + $1.exchanges.count }, consumers: consumers,
                        messagesReady: ready, messagesUnacknowledged: unacked)
    }

    /// Samples every counter set for rates.
    func sampleRates() {
        let now = nowMilliseconds
        for runtimes in queues.values {
            for runtime in runtimes.values { runtime.rateSampler.sample(runtime.counters, now: now) }
        }
        nodeRateSampler.sample(nodeInfo().counters, now: now)
    }

    /// Moves a consumer group to `start` in every partition, forgetting its acks: only while
    /// it has no members and nothing in flight, as Kafka resets only an inactive group.
    func resetGroup(vhost: String, queue name: String, group groupName: String, to start: StreamOffset) throws {
        let runtime = try queue(vhost, name, connection: 0)
        guard let group = runtime.groups[groupName] else {
            throw BrokerError(.notFound, "no consumer group '\(groupName)' on queue '\(name)' in vhost '\(vhost)'")
        }
        guard group.members.isEmpty, group.departed.isEmpty,
              group.partitions.allSatisfy({ $0.unacknowledgedCount == 0 }) else {
            throw BrokerError(.preconditionFailed, "consumer group '\(groupName)' on queue '\(name)' in vhost '\(vhost)' has consumers")
        }
        let offsets = try runtime.partitions.map { try $0.resolve(start) }
        for (partition, offset) in zip(runtime.partitions, offsets) {
            group.partitions[partition.index] = GroupPartitionState(startingAt: offset)
            partition.log.setFloor(groupName, to: Int64(offset))
            if group.durable {
                try partition.journal?.record(.deleted(group: groupName))
                try partition.journal?.record(.created(group: groupName, startOffset: Int64(offset)))
                journalHasPendingWrites(partition)
            }
        }
        if groupName == QueueRuntime.defaultGroup { runtime.countReadyBytes() }
    }
}
