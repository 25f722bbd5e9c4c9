// BrokerState+DeadLetter.swift: the broker as its queues' host: the clock, timers, journal writes once
// per turn, and dead-lettered copies routed through the dead-letter exchange.
import Logging
import NIOCore
import WarrenLog

extension BrokerState: QueueHost {
    var nowMilliseconds: Int64 { storage.clock.nowMilliseconds() }
    var loop: any EventLoop { storage.loop }
    var defaultConsumerTimeout: Int64? { configuration.consumerTimeoutMilliseconds }

    /// Publishes a copy of `message` to the queue's dead-letter exchange, as RabbitMQ does:
    /// with the dead-letter routing key or the original routing keys (CC included), the death
    /// recorded in its properties (`x-death`), no per-message TTL. A missing exchange or no
    /// matching binding drops the copy; so does a cycle of automatic deaths (a queue the
    /// message already died in, with no rejection on the way).
    @discardableResult
    func deadLetter(_ message: Message, from queue: QueueRuntime, reason: DeathReason) -> EventLoopFuture<Void> {
        guard let exchange = queue.arguments.deadLetterExchange, let topology = topologies[queue.vhost] else {
            return loop.makeSucceededVoidFuture()
        }
        let view = format.deadLetterView(of: message.properties)
        let published = [message.routingKey] + view.ccKeys
        let routingKeys = queue.arguments.deadLetterRoutingKey.map { [$0] } ?? published
        let now = nowMilliseconds
        let death = DeathEvent(queue: queue.definition.name, reason: reason, exchange: message.exchange,
                               routingKeys: published, time: now / 1000)
        guard let route = try? topology.route(exchange: exchange, routingKeys: routingKeys, headers: view.headers) else {
            logger.debug("dead-letter exchange missing: message dropped",
                         metadata: ["queue": "\(queue.definition.name)", "exchange": "\(exchange)"])
            return loop.makeSucceededVoidFuture()
        }
        let deaths = [(queue: queue.definition.name, reason: reason.rawValue)] + view.deaths
        let targets = route.queues.filter { !Self.isDeadLetterCycle(to: $0, deaths: deaths) }
        var copy = message
        copy.exchange = exchange
        copy.routingKey = routingKeys[0]
        copy.properties = format.deadLettered(message.properties, death)
        copy.expiration = nil
        copy.timestamp = now
        return storeAndWait(copy, in: targets, vhost: queue.vhost, headers: view.headers)
    }

    /// Writes every buffered journal once, after the task that recorded the entries: one
    /// write per partition per turn, however many acks it carried. A batch (`perform`) writes
    /// or schedules them at its end instead.
    func journalHasPendingWrites(_ partition: QueuePartition) {
        journalsToWrite[ObjectIdentifier(partition)] = partition
        if !isRunningBatch && !isJournalWriteQueued {
            isJournalWriteQueued = true
            let state = NIOLoopBound(self, eventLoop: loop)
            loop.execute {
                state.value.isJournalWriteQueued = false
                state.value.writeJournals()
            }
        }
    }

    func writeJournals() {
        let partitions = journalsToWrite.values
        journalsToWrite.removeAll(keepingCapacity: true)
        for partition in partitions {
            do { try partition.journal?.writePending() } catch {
                logger.error("cannot write consumer-group journal", metadata: ["error": "\(error)"])
            }
        }
    }

    func queueUnused(_ queue: QueueRuntime) {
        guard queues[queue.vhost]?[queue.definition.name] === queue else { return }
        _ = try? deleteQueue(vhost: queue.vhost, queue.definition.name, ifUnused: false, ifEmpty: false,
                             connection: queue.definition.exclusiveOwner ?? 0)
    }

    /// RabbitMQ's cycle rule: dead-lettering into a queue the message already died in is a
    /// cycle, unless a client rejected it somewhere on the way (then it is a retry loop).
    static func isDeadLetterCycle(to target: String, deaths: [(queue: String, reason: String)]) -> Bool {
        deaths.contains { $0.queue == target } && !deaths.contains { $0.reason == DeathReason.rejected.rawValue }
    }
}
