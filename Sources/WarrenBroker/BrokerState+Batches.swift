// BrokerState+Batches.swift: running a front door's batch, and the queues it touched.
import Logging
import NIOCore
import WarrenLog

/// Queues to dispatch once a batch (or a settlement) is done, each once. The first queue is
/// held inline: most batches touch one queue, and then no dictionary is allocated.
struct DispatchSet {
    private var first: QueueRuntime?
    private var others: [ObjectIdentifier: QueueRuntime] = [:]

    mutating func insert(_ runtime: QueueRuntime) {
        guard let first else { first = runtime; return }
        if first !== runtime { others[ObjectIdentifier(runtime)] = runtime }
    }

    func contains(_ runtime: QueueRuntime) -> Bool {
        first === runtime || others[ObjectIdentifier(runtime)] != nil
    }

    /// Calls `body` with each queue once.
    func forEach(_ body: (QueueRuntime) -> Void) {
        guard let first else { return }
        body(first)
        for runtime in others.values { body(runtime) }
    }
}

extension BrokerState {
    func perform(vhost: String, _ commands: consuming [BrokerCommand], receiver: any BrokerReceiver) {
        storage.flusherRequests?.hold()
        isRunningBatch = true
        var settles = false
        var results: [PublishResult] = []
        results.reserveCapacity(commands.count)  // one allocation, not one per doubling
        var touched = DispatchSet()
        let batch = AppendBatch(expected: commands.count)
        let acceptedAt = nowMilliseconds  // one clock read for the batch's publishes
        // Each command is moved out of the array, not copied: reading `commands[index]` copied
        // a publish, retaining its message's box and routing keys once more, and destroying the
        // array released them again.
        commands.moveEach { command in
            switch consume command {
            case .publish(let publish):
                batch.currentResult = results.count
                results.append(perform(vhost: vhost, publish, receiver: receiver, touched: &touched, batch: batch,
                                       acceptedAt: acceptedAt))
            case .settle(let references, let settlement):
                settles = true
                settle(vhost: vhost, references, settlement, touched: &touched)
            case .grant(let queue, let consumer, let count):
                grant(vhost: vhost, queue: queue, consumer: consumer, count: count, touched: &touched)
            }
        }
        if !batch.isEmpty {
            // One record batch per partition; a publish whose append failed is a nack.
            for failure in batch.flush(logger: logger) {
                results[failure.result].rejected = BrokerError(.internalError, "cannot store message")
                if failure.waited { results[failure.result].pendingStores -= 1 }
            }
        }
        dispatch(touched)
        // A batch that settled deliveries writes its journal entries before anything the
        // connection sent after it runs: a later round trip on it (a passive declare, say) finds
        // the acks in the file, not waiting in a task behind it.
        if settles && !journalsToWrite.isEmpty { writeJournals() }
        if !results.isEmpty { receiver.published(results) }
        isRunningBatch = false
        finishAfterDeliveries()
    }

    /// What is left of a batch waits until after its deliveries are written. The flusher
    /// requests its appends made (held by `FlusherRequestHold`) go in a task queued now, behind
    /// the tasks that write its deliveries to consumers on this loop; the journal entries its
    /// deliveries made (cursor moves) are written `groupJournalWriteDelay` later, with those of
    /// the batches in between. At 1,000 messages a second both otherwise ran between reading a
    /// publish and writing its delivery (the journal's open, write and close), or took the core
    /// the woken consumer needed (the flusher's copy and `fsync`); docs/benchmarks.md,
    /// "2026-12-07, second stop".
    private func finishAfterDeliveries() {
        let delay = configuration.groupJournalWriteDelay
        if !journalsToWrite.isEmpty && delay > .zero && deliveryJournalWrite == nil {
            let state = NIOLoopBound(self, eventLoop: loop)
            deliveryJournalWrite = loop.scheduleTask(in: delay) {
                state.value.deliveryJournalWrite = nil
                state.value.writeJournals()
            }
        }
        let hold = storage.flusherRequests
        if hold?.hasHeldRequests == true || (delay == .zero && !journalsToWrite.isEmpty) {
            loop.execute(afterDeliveries.task)
        } else {
            hold?.release()
        }
    }

    /// The work `finishAfterDeliveries` left for the task behind the deliveries (on the loop).
    func runAfterDeliveries() {
        if configuration.groupJournalWriteDelay == .zero && !journalsToWrite.isEmpty { writeJournals() }
        storage.flusherRequests?.release()
    }

    private func perform(vhost: String, _ publish: PublishCommand, receiver: any BrokerReceiver,
                         touched: inout DispatchSet, batch: AppendBatch, acceptedAt: Int64) -> PublishResult {
        let waiter = publish.wantsStored ? StoreWaiter.receiver(receiver, token: publish.token) : nil
        do {
            let outcome = try self.publish(vhost: vhost, publish.message, routingKeys: publish.routingKeys,
                                           headers: publish.headers, waiter: waiter, touched: &touched, batch: batch,
                                           acceptedAt: acceptedAt)
            return PublishResult(token: publish.token, queueCount: outcome.queueCount, pendingStores: outcome.stores,
                                 rejected: outcome.rejected, failed: nil)
        } catch {
            let failure = error as? BrokerError ?? BrokerError(.internalError, "\(error)")
            return PublishResult(token: publish.token, queueCount: 0, pendingStores: 0, rejected: nil, failed: failure)
        }
    }

    /// Settles deliveries; the queues they free dispatch with `touched`.
    func settle(vhost: String, _ references: [DeliveryReference], _ settlement: Settlement,
                touched: inout DispatchSet) {
        var channelLimits: [ObjectIdentifier: ChannelPrefetch] = [:]
        // A multiple ack names one queue many times: it is looked up once per run.
        var last: (queue: String, runtime: QueueRuntime)?
        for reference in references {
            let runtime: QueueRuntime
            if let last, last.queue == reference.queue {
                runtime = last.runtime
            } else {
                guard let found = queues[vhost]?[reference.queue] else { continue }
                runtime = found
                last = (reference.queue, found)
                touched.insert(runtime)
            }
            if case .ack = settlement { runtime.counters.acknowledged &+= 1 }
            let channelPrefetch = switch settlement {
            case .ack: runtime.settle(reference)
            case .reject: runtime.reject(reference)
            case .requeue: runtime.requeue(reference)
            }
            if let channelPrefetch, channelPrefetch.limit > 0 {
                channelLimits[ObjectIdentifier(channelPrefetch)] = channelPrefetch
            }
        }
        // Credit freed on a channel-wide limit may unblock the channel's other queues.
        for limit in channelLimits.values {
            for name in limit.queues {
                if let runtime = queues[vhost]?[name] { touched.insert(runtime) }
            }
        }
    }

    /// Returns `count` written deliveries to the consumer's window.
    func grant(vhost: String, queue: String, consumer: ConsumerID, count: Int, touched: inout DispatchSet) {
        guard let runtime = queues[vhost]?[queue], let name = runtime.groupOfConsumer[consumer],
              let group = runtime.groups[name], let member = group.members[consumer] else { return }
        member.window += count
        touched.insert(runtime)
    }

    /// Hands out what the touched queues can deliver now.
    func dispatch(_ touched: DispatchSet) {
        touched.forEach { runtime in
            do { try runtime.dispatch() } catch {
                logger.error("dispatch failed", metadata: ["queue": "\(runtime.definition.name)", "error": "\(error)"])
            }
        }
    }
}

/// The task batches queue behind their deliveries, made once per broker: queuing the same
/// closure allocates nothing, where a closure made per batch cost an allocation each time.
/// Used on the broker's loop only.
final class AfterDeliveriesTask: @unchecked Sendable {
    weak var state: BrokerState?
    private(set) lazy var task: @Sendable () -> Void = { [unowned self] in self.state?.runAfterDeliveries() }
}
