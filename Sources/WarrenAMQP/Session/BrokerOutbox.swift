// BrokerOutbox.swift: what a connection hands the broker. Publishes, acks and delivery grants
// are collected while one read's frames are handled and go over in one task when the read
// ends (docs/threading.md); any other broker call sends what was collected first, so the
// broker sees a connection's methods in the order they arrived.
import AMQPProtocol
import DequeModule
import NIOCore
import WarrenBroker

/// Commands sent early when a read carries more than this many (a read of 16-byte publishes
/// can hold thousands): the broker starts on them while the rest are decoded.
let outboxCommandsMax = 512

/// A publish handed to the broker whose outcome has not come back.
struct PendingPublish {
    var token: UInt64
    var channel: UInt16
    /// The channel's `generation` when the publish was made.
    var generation: UInt64
    var bodyBytes: Int
    /// The message, kept for `basic.return` when the publish is mandatory (nil otherwise).
    var returnable: Message?
    /// The confirm sequence number, in confirm mode.
    var sequence: UInt64?
    /// Completed once stored (transactions wait on it).
    var promise: EventLoopPromise<Void>?
}

/// A publish the broker routed that is waiting for fsyncs.
struct AwaitingStore {
    var channel: UInt16
    var generation: UInt64
    var sequence: UInt64?
    var promise: EventLoopPromise<Void>?
    var remaining: Int
}

/// Routed publishes waiting for fsyncs, by token. Tokens are handed out in order and routed
/// publishes arrive in that order, so they are kept by position from the oldest still
/// waiting (no hashing per publish); a token that did not wait holds an empty slot until the
/// ones before it are done.
struct AwaitingStores {
    private var slots: Deque<AwaitingStore?> = []
    private var first: UInt64 = 0

    subscript(token: UInt64) -> AwaitingStore? {
        get {
            guard token >= first, token - first < UInt64(slots.count) else { return nil }
            return slots[Int(token - first)]
        }
        set {
            if slots.isEmpty {
                guard let newValue else { return }
                first = token
                slots.append(newValue)
                return
            }
            guard token >= first else { return }
            let index = Int(token - first)
            if index < slots.count {
                slots[index] = newValue
                while let head = slots.first, head == nil {
                    slots.removeFirst()
                    first += 1
                }
            } else if let newValue {
                slots.append(contentsOf: repeatElement(nil, count: index - slots.count))
                slots.append(newValue)
            }
        }
    }
}

/// The session's `BrokerReceiver`: one hop to the connection's loop per batch of outcomes.
final class SessionReceiver: BrokerReceiver {
    /// Strong, and cleared when the connection closes (`BrokerSession.connectionClosed`): a
    /// weak reference gave the session a side table, and every retain and release of it then
    /// took the runtime's slow path (`incrementSlow`/`doDecrementSlow`, 3.5% of the loop on a16).
    final class Reference {
        var session: BrokerSession?
        init(_ session: BrokerSession) { self.session = session }
    }

    let loop: any EventLoop
    let reference: NIOLoopBound<Reference>

    init(session: BrokerSession, loop: any EventLoop) {
        self.loop = loop
        self.reference = NIOLoopBound(Reference(session), eventLoop: loop)
    }

    func published(_ results: [PublishResult]) {
        loop.execute { [reference] in reference.value.session?.published(results) }
    }

    func stored(_ tokens: [UInt64], failure: BrokerError?) {
        loop.execute { [reference] in reference.value.session?.stored(tokens, failure: failure) }
    }
}

extension BrokerSession {
    /// Queues a command for the broker; sent at the end of the read, or now outside one.
    func send(_ command: BrokerCommand) {
        outbox.append(command)
        sendIfDue()
    }

    /// Sends what was collected when outside a read, or when a read has collected many.
    func sendIfDue() {
        if !handler.isReading || outbox.count >= outboxCommandsMax { flushOutbox() }
    }

    /// Hands the collected commands to the broker in one task.
    func flushOutbox() {
        guard !outbox.isEmpty else { return }
        let commands = outbox
        outbox.removeAll(keepingCapacity: true)
        broker.perform(vhost: vhost, consume commands, receiver: receiver)
    }

    /// The broker's outcomes of one batch's publishes, in order.
    func published(_ results: [PublishResult]) {
        var confirming: Set<UInt16> = []
        for result in results {
            guard let pending = pendingPublishes.popFirst() else { break }
            assert(pending.token == result.token, "publish outcomes arrive in the order publishes were sent")
            publishFinished(bodyBytes: pending.bodyBytes)
            if pending.sequence == nil && pending.promise == nil && pending.returnable == nil && result.failed == nil {
                continue  // nobody waits on this publish's outcome (no confirm, transaction or return)
            }
            let early = earlyStores.isEmpty ? nil : earlyStores.removeValue(forKey: result.token)
            let open = channels[pending.channel]?.generation == pending.generation
            if let failed = result.failed {
                pending.promise?.fail(failed)
                if open {
                    handler.run(handler.machine.channelFailed(pending.channel,
                                                              ProtocolError(failed, method: .basicPublish(.init()))),
                                context: context)
                }
                continue
            }
            if open, result.queueCount == 0, let message = pending.returnable {
                let returned = Method.basicReturn(.init(replyCode: ReplyCode.noRoute.rawValue, replyText: "NO_ROUTE",
                                                        exchange: message.exchange, routingKey: message.routingKey))
                handler.writeContent(channel: pending.channel, method: returned, message: message)
            }
            let remaining = result.pendingStores - (early?.count ?? 0)
            let waiting = AwaitingStore(channel: pending.channel, generation: pending.generation, sequence: pending.sequence,
                                        promise: pending.promise, remaining: remaining)
            if result.rejected != nil || early?.failed == true {
                finish(waiting, stored: false, confirming: &confirming)
            } else if remaining <= 0 {
                finish(waiting, stored: true, confirming: &confirming)
            } else {
                awaitingStore[result.token] = waiting
            }
        }
        writeConfirms(confirming)
        handler.flushIfIdle(context: context)
    }

    /// Partitions stored (or failed to store) these publishes.
    func stored(_ tokens: [UInt64], failure: BrokerError?) {
        var confirming: Set<UInt16> = []
        for token in tokens {
            guard var waiting = awaitingStore[token] else {
                // Stored before its outcome came back (the fsync beat the broker's loop):
                // `published` counts it.
                if let first = pendingPublishes.first, token >= first.token {
                    earlyStores[token, default: (0, false)].count += 1
                    if failure != nil { earlyStores[token]!.failed = true }
                }
                continue
            }
            waiting.remaining -= 1
            if failure != nil || waiting.remaining == 0 {
                awaitingStore[token] = nil
                finish(waiting, stored: failure == nil, confirming: &confirming)
            } else {
                awaitingStore[token] = waiting
            }
        }
        writeConfirms(confirming)
        handler.flushIfIdle(context: context)
    }

    private func finish(_ waiting: AwaitingStore, stored: Bool, confirming: inout Set<UInt16>) {
        if let promise = waiting.promise {
            if stored { promise.succeed() } else { promise.fail(BrokerError(.internalError, "message not stored")) }
        }
        guard let sequence = waiting.sequence, channels[waiting.channel]?.generation == waiting.generation else { return }
        channels[waiting.channel]!.confirms.completed(sequence, stored: stored)
        confirming.insert(waiting.channel)
    }

    /// Writes the confirms that are ready, coalesced into `multiple` acks.
    private func writeConfirms(_ confirming: Set<UInt16>) {
        for channel in confirming where channels.contains(channel) {
            for confirm in channels[channel]!.confirms.takeReady() {
                switch confirm {
                case .ack(let tag, let multiple):
                    handler.write(channel: channel, .basicAck(.init(deliveryTag: tag, multiple: multiple)))
                case .nack(let tag):
                    handler.write(channel: channel, .basicNack(.init(deliveryTag: tag, multiple: false, requeue: false)))
                }
            }
        }
    }
}
