// BrokerState.swift: the broker's state, touched only on the broker's loop.
import Logging
import NIOConcurrencyHelpers
import NIOCore
import WarrenLog

/// Topologies and queue runtimes of every vhost. Not thread-safe: owned by `Broker.loop`.
final class BrokerState {
    let configuration: BrokerConfiguration
    let storage: QueueStorage
    let logger: Logger
    let definitions: any DefinitionsStore
    /// Reads and rewrites message properties for dead-lettering.
    let format: any MessageFormat
    /// The definitions write of the operation in progress (see `Broker.onLoopRecording`).
    var pendingWrite: EventLoopFuture<Void>?
    /// Checks streams for segments past their age limit (see `applyRetention`).
    var retentionTask: RepeatedTask?
    /// Under the `interval` durability policy, asks each durable log for its due fsync.
    var intervalFlushTask: RepeatedTask?
    var topologies: [String: Topology] = [:]
    var queues: [String: [String: QueueRuntime]] = [:]
    /// Users and permissions; every change is published to `directorySnapshot` for front doors.
    var directory = UserDirectory.withGuest {
        didSet { directorySnapshot.withLockedValue { $0 = directory } }
    }
    let directorySnapshot: NIOLockedValueBox<UserDirectory>
    /// Each vhost's policies by name, patterns compiled.
    var policies: [String: [String: CompiledPolicy]] = [:]
    /// Messages received, routed and delivered by the whole node, and their rates.
    var nodeCounters = MessageCounters()
    var nodeRateSampler = RateSampler()
    /// What deleted queues delivered and had acknowledged, so node totals never go down.
    var retiredQueueCounters = MessageCounters()
    /// Samples every queue's counters for rates (`BrokerConfiguration.rateSampleInterval`).
    var rateTask: RepeatedTask?
    /// Partitions whose journals buffered entries this turn (see `journalHasPendingWrites`).
    var journalsToWrite: [ObjectIdentifier: QueuePartition] = [:]
    /// A front door's batch is running (`perform`): it writes or schedules the journals itself.
    var isRunningBatch = false
    /// A task writes the journals at the end of this turn (entries made outside a batch).
    var isJournalWriteQueued = false
    /// The delayed write of journal entries that deliveries made (`groupJournalWriteDelay`).
    var deliveryJournalWrite: Scheduled<Void>?
    /// The task a batch queues behind its deliveries (`finishAfterDeliveries`), made once.
    let afterDeliveries = AfterDeliveriesTask()
    /// Direct reply-to consumers by token.
    var directReplies: [String: (ConsumerID, any DeliverySink)] = [:]

    init(configuration: BrokerConfiguration, storage: QueueStorage, definitions: any DefinitionsStore,
         format: any MessageFormat, logger: Logger, directorySnapshot: NIOLockedValueBox<UserDirectory>) {
        self.directorySnapshot = directorySnapshot
        self.configuration = configuration
        self.storage = storage
        self.definitions = definitions
        self.format = format
        self.logger = logger
        directory.loopbackOnlyUsers = configuration.loopbackOnlyUsers
        directory.virtualHosts = configuration.virtualHosts
        let initial = directory
        directorySnapshot.withLockedValue { $0 = initial }  // observers do not run in init
        for vhost in configuration.virtualHosts {
            topologies[vhost] = Topology(vhost: vhost)
            queues[vhost] = [:]
            policies[vhost] = [:]
        }
        afterDeliveries.state = self
    }

    func withTopology<T>(_ vhost: String, _ body: (inout Topology) throws -> T) throws -> T {
        guard topologies[vhost] != nil else { throw BrokerError(.notAllowed, "vhost \(vhost) not found") }
        return try body(&topologies[vhost]!)
    }

    /// A queue the connection may use (404 when missing, 405 when exclusive to another).
    func queue(_ vhost: String, _ name: String, connection: ConnectionID) throws(BrokerError) -> QueueRuntime {
        guard let topology = topologies[vhost], let definition = topology.queues[name],
              let runtime = queues[vhost]?[name] else {
            throw BrokerError.noQueue(name, vhost: vhost)
        }
        try topology.checkExclusiveAccess(definition, connection: connection)
        return runtime
    }

    func checkQueueAccess(_ vhost: String, _ destination: BindingDestination, connection: ConnectionID) throws {
        if case .queue(let name) = destination, let topology = topologies[vhost], let definition = topology.queues[name] {
            try topology.checkExclusiveAccess(definition, connection: connection)
        }
    }

    func declareQueue(vhost: String, _ definition: QueueDefinition, passive: Bool, serverNamed: Bool,
                      connection: ConnectionID) throws -> QueueStatus {
        if definition.name == DirectReplyTo.queue && passive {
            // The pseudo-queue always exists, as in RabbitMQ.
            return QueueStatus(name: definition.name, messageCount: 0, consumerCount: 0)
        }
        if !passive { _ = try QueueArguments(definition, vhost: vhost) }
        if !passive, topologies[vhost]?.queues[definition.name] == nil,
           let limit = directory.vhostLimit("max-queues", vhost: vhost), Int64(queues[vhost]?.count ?? 0) >= limit {
            throw BrokerError(.preconditionFailed,
                              "cannot declare queue '\(definition.name)': queue limit in vhost '\(vhost)' (\(limit)) is reached")
        }
        let created = try withTopology(vhost) {
            try $0.declareQueue(definition, passive: passive, serverNamed: serverNamed, connection: connection)
        }
        if created {
            do {
                let runtime = try storage.open(definition, vhost: vhost, policy: policy(for: definition, vhost: vhost))
                runtime.host = self
                queues[vhost]![definition.name] = runtime
                if definition.durable && definition.exclusiveOwner == nil {
                    record([.putQueue(vhost: vhost, definition)])
                }
            } catch {
                _ = try? withTopology(vhost) { try $0.deleteQueue(definition.name) }
                logger.error("cannot open queue storage", metadata: ["queue": "\(definition.name)", "error": "\(error)"])
                throw BrokerError(.internalError, "cannot open storage of queue '\(definition.name)' in vhost '\(vhost)'")
            }
        }
        let runtime = queues[vhost]![definition.name]!
        runtime.markUsed()
        return QueueStatus(name: definition.name, messageCount: runtime.messageCount, consumerCount: runtime.consumerCount)
    }

    func deleteQueue(vhost: String, _ name: String, ifUnused: Bool, ifEmpty: Bool,
                     connection: ConnectionID) throws -> UInt64 {
        let runtime = try queue(vhost, name, connection: connection)
        if ifUnused && runtime.consumerCount > 0 {
            throw BrokerError(.preconditionFailed, "queue '\(name)' in vhost '\(vhost)' in use")
        }
        let count = runtime.messageCount
        if ifEmpty && count > 0 {
            throw BrokerError(.preconditionFailed, "queue '\(name)' in vhost '\(vhost)' not empty")
        }
        try withTopology(vhost) { try $0.deleteQueue(name) }
        queues[vhost]![name] = nil
        if runtime.definition.durable && runtime.definition.exclusiveOwner == nil {
            record([.deleteQueue(vhost: vhost, name: name)])
        }
        removeUnusedAutoDeleteExchanges(vhost: vhost)
        for member in runtime.allMembers { member.sink.cancelled(consumer: member.id) }
        retiredQueueCounters.add(runtime.counters)
        runtime.close()
        storage.remove(vhost: vhost, queue: name, durable: runtime.definition.durable)
        return count
    }

    func deleteExclusiveQueues(vhost: String, connection: ConnectionID) {
        guard let names = topologies[vhost]?.exclusiveQueues(of: connection) else { return }
        for name in names {
            _ = try? deleteQueue(vhost: vhost, name, ifUnused: false, ifEmpty: false, connection: connection)
        }
    }

    func cancel(vhost: String, queue name: String, consumer: ConsumerID) throws {
        guard let runtime = queues[vhost]?[name] else { return }
        runtime.removeConsumer(consumer)
        if runtime.definition.autoDelete && runtime.consumerCount == 0 {
            _ = try? deleteQueue(vhost: vhost, name, ifUnused: false, ifEmpty: false,
                                 connection: runtime.definition.exclusiveOwner ?? 0)
            return
        }
        try runtime.dispatch()
    }

    /// What storing one message did.
    struct StoreOutcome {
        var queueCount = 0
        /// Waiters registered: one per durable partition the message went to.
        var stores = 0
        /// Why some queue refused it, if one did.
        var rejected: BrokerError?
    }

    /// Routes and stores a message. `waiter` hears when it is durable in each durable
    /// partition it went to (counted in `stores`); queues that can wait dispatch with
    /// `touched`, the others at once.
    /// `acceptedAt`: the acceptance time to stamp (a batch reads the clock once for all of its
    /// publishes); the clock's time when nil.
    func publish(vhost: String, _ message: Message, routingKeys: [String], headers: ArgumentTable?,
                 waiter: StoreWaiter?, touched: inout DispatchSet, batch: AppendBatch? = nil,
                 acceptedAt: Int64? = nil) throws -> StoreOutcome {
        let maxBytes = configuration.messageSizeBytesMax
        guard message.body.readableBytes <= maxBytes else {
            throw BrokerError(.preconditionFailed, "message size \(message.body.readableBytes) is larger than configured max size \(maxBytes)")
        }
        var message = message
        message.timestamp = acceptedAt ?? nowMilliseconds
        if message.exchange.isEmpty && message.routingKey.hasPrefix(DirectReplyTo.prefix) {
            return StoreOutcome(queueCount: deliverDirectReply(message) ? 1 : 0)
        }
        let route: (queues: Int, runtimes: [QueueRuntime])
        if let remembered = batch?.routes.route(exchange: message.exchange, routingKeys: routingKeys, headers: headers) {
            route = remembered
        } else {
            // Looked up only when the batch's last route does not apply: taking the topology out
            // of the dictionary copies it (a retain and a release per dictionary it holds).
            guard let topology = topologies[vhost] else { throw BrokerError(.notAllowed, "vhost \(vhost) not found") }
            let names = try topology.route(exchange: message.exchange, routingKeys: routingKeys, headers: headers).queues
            route = (names.count, runtimes(names, vhost: vhost))
            batch?.routes.remember(exchange: message.exchange, routingKeys: routingKeys, headers: headers,
                                   queues: route.queues, runtimes: route.runtimes)
        }
        nodeCounters.published &+= 1
        if route.queues == 0 { nodeCounters.unroutable &+= 1 } else { nodeCounters.routed &+= 1 }
        var outcome = store(message, into: route.runtimes, headers: headers, waiter: waiter, touched: &touched,
                            batch: batch)
        outcome.queueCount = route.queues
        return outcome
    }

    /// The runtimes of the named queues of `vhost` that exist.
    func runtimes(_ names: some Sequence<String>, vhost: String) -> [QueueRuntime] {
        guard let vhostQueues = queues[vhost] else { return [] }
        return names.compactMap { vhostQueues[$0] }
    }

    /// Appends `message` to each named queue. A persistent message in a durable queue
    /// registers `waiter` with the partition it went to, resolved by that partition's next
    /// fsync (see StoreWaiters.swift).
    func store(_ message: Message, in names: some Sequence<String>, vhost: String, headers: ArgumentTable?,
               waiter: StoreWaiter?, touched: inout DispatchSet, batch: AppendBatch? = nil) -> StoreOutcome {
        store(message, into: runtimes(names, vhost: vhost), headers: headers, waiter: waiter, touched: &touched,
              batch: batch)
    }

    private func store(_ message: Message, into runtimes: [QueueRuntime], headers: ArgumentTable?,
                       waiter: StoreWaiter?, touched: inout DispatchSet, batch: AppendBatch?) -> StoreOutcome {
        var outcome = StoreOutcome()
        for runtime in runtimes {
            // The queue's name is read only where an error names it: reading the definition
            // on the way copied it (its strings and tables retained once more per message).
            if let batch, !runtime.hasLengthLimit && !runtime.checksExpiry && message.expiration == nil {
                // No per-message check needed: appended with the batch's other messages for its
                // partition (one record batch), dispatched after them.
                let waits = waiter != nil && message.persistent && runtime.definition.durable
                let partition = runtime.partition(for: message, partitionKey: headers?[QueueRuntime.partitionKeyHeader])
                batch.add(message, to: partition, of: runtime, waiter: waits ? waiter : nil)
                if waits { outcome.stores += 1 }
                touched.insert(runtime)
                continue
            }
            if runtime.hasLengthLimit && runtime.arguments.overflow != .dropHead
                && runtime.wouldOverflow(adding: message.body.readableBytes) {
                // reject-publish: the publisher hears basic.nack; -dlx also dead-letters it.
                if runtime.arguments.overflow == .rejectPublishDLX { deadLetter(message, from: runtime, reason: .maxlen) }
                outcome.rejected = BrokerError(.resourceError, "queue '\(runtime.definition.name)' is full")
                continue
            }
            let partition: QueuePartition
            let offset: UInt64
            do {
                (partition, offset) = try runtime.append(message, partitionKey: headers?[QueueRuntime.partitionKeyHeader])
            } catch {
                logger.error("append failed", metadata: ["queue": "\(runtime.definition.name)", "error": "\(error)"])
                outcome.rejected = BrokerError(.internalError, "cannot store message in queue '\(runtime.definition.name)'")
                continue
            }
            if let waiter, message.persistent && runtime.definition.durable {
                partition.storeWaiters.add(offset: Int64(offset), waiter)
                outcome.stores += 1
            }
            if runtime.hasLengthLimit || runtime.checksExpiry {
                // Limits and TTLs are checked message by message, as they arrive.
                do { try runtime.dispatch(acceptedAt: message.timestamp) } catch {
                    logger.error("dispatch failed", metadata: ["queue": "\(runtime.definition.name)", "error": "\(error)"])
                }
                if runtime.arguments.overflow == .dropHead { runtime.dropHeadsOverLimit() }
            } else {
                touched.insert(runtime)
            }
        }
        return outcome
    }

    /// `store` for callers that wait on a future: it completes once the message is durable
    /// wherever it must be, and fails if a queue refused it.
    func storeAndWait(_ message: Message, in names: some Sequence<String>, vhost: String,
                      headers: ArgumentTable?) -> EventLoopFuture<Void> {
        let promise = loop.makePromise(of: Void.self)
        let waiter = StorePromise(promise)
        var touched = DispatchSet()
        let outcome = store(message, in: names, vhost: vhost, headers: headers, waiter: .promise(waiter), touched: &touched)
        dispatch(touched)
        waiter.expect(outcome)
        return promise.futureResult
    }

    /// Deletes segments past retention in every queue (stream age and size limits; work-queue
    /// segments every group has settled).
    func applyRetention() {
        for runtimes in queues.values {
            for runtime in runtimes.values { runtime.applyRetention() }
        }
    }

    /// Asks every durable queue's logs for the fsync their `interval` policy makes due.
    func flushDueLogs() {
        for runtimes in queues.values {
            for runtime in runtimes.values where runtime.definition.durable {
                for partition in runtime.partitions { partition.log.flushIfDue() }
            }
        }
    }

    func closeAll() {
        for runtimes in queues.values {
            for runtime in runtimes.values { runtime.close() }
        }
        queues = [:]
    }
}
