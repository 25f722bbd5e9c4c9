// BatchTests.swift: a front door's batch: one task, outcomes in one call, stores per fsync.
import Atomics
import Dispatch
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
@testable import WarrenBroker
@testable import WarrenLog

@Suite struct BatchTests {
    /// Records what the broker tells a front door, and lets a test wait for it (bounded).
    final class RecordingReceiver: BrokerReceiver {
        let publishedCalls = NIOLockedValueBox<[[PublishResult]]>([])
        let storedTokens = NIOLockedValueBox<[UInt64: Int]>([:])
        let failedTokens = NIOLockedValueBox<Set<UInt64>>([])
        let changed = DispatchSemaphore(value: 0)

        func published(_ results: [PublishResult]) {
            publishedCalls.withLockedValue { $0.append(results) }
            changed.signal()
        }

        func stored(_ tokens: [UInt64], failure: BrokerError?) {
            if failure == nil {
                storedTokens.withLockedValue { for token in tokens { $0[token, default: 0] += 1 } }
            } else {
                failedTokens.withLockedValue { $0.formUnion(tokens) }
            }
            changed.signal()
        }

        /// Waits until `done` holds, for at most 10 s; each change wakes it.
        func wait(until done: () -> Bool) -> Bool {
            while !done() {
                if changed.wait(timeout: .now() + 10) == .timedOut { return done() }
            }
            return true
        }
    }

    static func publish(_ text: String, token: UInt64, routingKey: String = "q", persistent: Bool = true) -> BrokerCommand {
        var message = BrokerTests.message(text, persistent: persistent)
        message.routingKey = routingKey
        return .publish(PublishCommand(message: message, routingKeys: [routingKey], headers: nil, token: token,
                                       wantsStored: true))
    }

    @Test func aBatchsPublishesComeBackInOneCallAndEachIsStoredOnce() throws {
        let broker = BrokerTests.makeBroker()
        defer { try? broker.shutdown().wait() }
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true), passive: false, connection: 1).wait()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "t"), passive: false, connection: 1).wait()
        let receiver = RecordingReceiver()
        var commands = (1...200).map { Self.publish("m\($0)", token: UInt64($0)) }
        commands.append(Self.publish("transient queue", token: 201, routingKey: "t"))
        commands.append(Self.publish("no route", token: 202, routingKey: "nowhere"))
        commands.append(Self.publish(String(repeating: "x", count: 10), token: 203, persistent: false))
        broker.perform(vhost: "/", commands, receiver: receiver)
        // The stores come from the flusher thread and may arrive before the outcomes: both awaited.
        #expect(receiver.wait {
            receiver.storedTokens.withLockedValue { $0.count } == 200 && !receiver.publishedCalls.withLockedValue { $0.isEmpty }
        })
        let calls = receiver.publishedCalls.withLockedValue { $0 }
        #expect(calls.count == 1)
        let results = try #require(calls.first)
        #expect(results.map(\.token) == Array(1...203))
        #expect(results.prefix(200).allSatisfy { $0.queueCount == 1 && $0.pendingStores == 1 && $0.failed == nil })
        // Nothing to wait for: a transient queue, no queue, a transient message.
        #expect(results[200].pendingStores == 0 && results[200].queueCount == 1)
        #expect(results[201].queueCount == 0 && results[201].pendingStores == 0)
        #expect(results[202].pendingStores == 0 && results[202].queueCount == 1)
        let stored = receiver.storedTokens.withLockedValue { $0 }
        #expect(Set(stored.keys) == Set(1...200) && stored.values.allSatisfy { $0 == 1 })
    }

    /// A batch routes a run of publishes to one place once, but a publish with headers is
    /// routed on them: the next publish to the same exchange and key without headers is routed
    /// on its own (here: to no queue).
    @Test func aPublishWithHeadersLendsItsRouteToNoOther() throws {
        let broker = BrokerTests.makeBroker()
        defer { try? broker.shutdown().wait() }
        try broker.declareExchange(vhost: "/", ExchangeDefinition(name: "h", type: .headers), passive: false).wait()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "reports"), passive: false, connection: 1).wait()
        try broker.bind(vhost: "/", Binding(source: "h", destination: .queue("reports"), routingKey: "",
                                            arguments: ["x-match": .string("all"), "kind": .string("report")]),
                        connection: 1).wait()
        var message = BrokerTests.message("x", persistent: false)
        message.exchange = "h"
        message.routingKey = "k"
        let commands: [BrokerCommand] = [
            .publish(PublishCommand(message: message, routingKeys: ["k"], headers: ["kind": .string("report")],
                                    token: 1, wantsStored: false)),
            .publish(PublishCommand(message: message, routingKeys: ["k"], headers: nil, token: 2, wantsStored: false)),
            .publish(PublishCommand(message: message, routingKeys: ["k"], headers: ["kind": .string("report")],
                                    token: 3, wantsStored: false)),
        ]
        let receiver = RecordingReceiver()
        broker.perform(vhost: "/", commands, receiver: receiver)
        #expect(receiver.wait { !receiver.publishedCalls.withLockedValue { $0 }.isEmpty })
        let results = try #require(receiver.publishedCalls.withLockedValue { $0 }.first)
        #expect(results.map(\.queueCount) == [1, 0, 1])
    }

    @Test func aFailedPublishInABatchLeavesTheOthersAlone() throws {
        var configuration = BrokerConfiguration(dataDirectory: "/tmp/warren-batch-test-\(UInt64.random(in: 0...UInt64.max))")
        configuration.messageSizeBytesMax = 4
        let broker = Broker(configuration: configuration, loop: BrokerTests.group.next(),
                            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { try? broker.shutdown().wait() }
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q"), passive: false, connection: 1).wait()
        let receiver = RecordingReceiver()
        var toMissing = Self.publish("a", token: 2)
        if case .publish(var command) = toMissing {
            command.message.exchange = "missing"
            toMissing = .publish(command)
        }
        broker.perform(vhost: "/", [Self.publish("ok", token: 1), toMissing, Self.publish("too long", token: 3),
                                    Self.publish("ok2", token: 4)], receiver: receiver)
        #expect(receiver.wait { !receiver.publishedCalls.withLockedValue { $0 }.isEmpty })
        let results = try #require(receiver.publishedCalls.withLockedValue { $0 }.first)
        #expect(results[0].failed == nil && results[3].failed == nil)
        #expect(results[1].failed?.kind == .notFound)
        #expect(results[2].failed?.text == "message size 8 is larger than configured max size 4")
        let first = try broker.get(vhost: "/", queue: "q", noAck: true, consumer: 1, connection: 1).wait()
        #expect(first.map { String(buffer: $0.0.message.body) } == "ok" && first?.1 == 1)
    }

    /// Settlements and grants in a batch free credit once, and the queue dispatches after it.
    @Test func settlementsInABatchDispatchTheQueueOnce() throws {
        let broker = BrokerTests.makeBroker()
        defer { try? broker.shutdown().wait() }
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q"), passive: false, connection: 1).wait()
        let receiver = RecordingReceiver()
        broker.perform(vhost: "/", (1...4).map { Self.publish("m\($0)", token: UInt64($0), persistent: false) },
                       receiver: receiver)
        #expect(receiver.wait { !receiver.publishedCalls.withLockedValue { $0 }.isEmpty })
        let sink = BrokerTests.CollectingSink(loop: broker.loop)
        try broker.consume(vhost: "/", queue: "q", consumer: 7, noAck: false, exclusive: false, prefetch: 2,
                           sink: sink, connection: 1).wait()
        let first = try sink.snapshot(broker)
        #expect(first.map { String(buffer: $0.message.body) } == ["m1", "m2"])
        broker.perform(vhost: "/", [.settle(first.map(\.reference), .ack)], receiver: receiver)
        let second = try sink.snapshot(broker)
        #expect(second.map { String(buffer: $0.message.body) } == ["m1", "m2", "m3", "m4"])
    }

    /// While the flusher is inside an fsync, a batch of 100 durable publishes takes the log's
    /// mutex zero times: appends and waiters are the broker loop's, the fsync's news arrives by
    /// one listener call.
    @Test func aBatchOfDurablePublishesTakesNoLogLock() throws {
        let (broker, fileSystem) = StorageFailureTests.brokerOnFailingFileSystem()
        defer { try? broker.shutdown().wait() }
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true), passive: false, connection: 1).wait()
        let tracker = try broker.loop.submit {
            broker.state.value.queues["/"]!["q"]!.partitions[0].log.durability
        }.wait()
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        fileSystem.gate.withLockedValue { $0 = (entered, release) }
        let receiver = RecordingReceiver()
        broker.perform(vhost: "/", [Self.publish("first", token: 0)], receiver: receiver)
        #expect(entered.wait(timeout: .now() + 10) == .success)
        fileSystem.gate.withLockedValue { $0 = nil }
        let before = tracker.lock.acquisitions.load(ordering: .relaxed)
        broker.perform(vhost: "/", (1...100).map { Self.publish("m\($0)", token: UInt64($0)) }, receiver: receiver)
        #expect(receiver.wait { receiver.publishedCalls.withLockedValue { $0 }.count == 2 })
        let after = tracker.lock.acquisitions.load(ordering: .relaxed)
        release.signal()
        #expect(after - before == 0)
        #expect(receiver.wait { receiver.storedTokens.withLockedValue { $0 }.count == 101 })
    }

    /// A broker whose delivery journal entries wait `journalDelay`, with a durable queue "q"
    /// and a consumer on it (prefetch 10).
    private func brokerWithConsumer(journalDelay: TimeAmount) throws -> (Broker, BrokerTests.CollectingSink) {
        let broker = BrokerTests.makeBroker { $0.groupJournalWriteDelay = journalDelay }
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true), passive: false, connection: 1).wait()
        let sink = BrokerTests.CollectingSink(loop: broker.loop)
        try broker.consume(vhost: "/", queue: "q", consumer: 1, noAck: false, exclusive: false, prefetch: 10,
                           sink: sink, connection: 1).wait()
        // The consumer's first dispatch ran in a task of its own and queued the journal's write
        // behind it: one round trip lets that run.
        try broker.loop.submit {}.wait()
        return (broker, sink)
    }

    /// On the loop: whether q's journal holds unwritten entries, and whether the broker still
    /// holds a flusher request.
    private func pending(_ broker: Broker) throws -> (journal: Bool, flusher: Bool) {
        let state = broker.state
        return try broker.loop.submit {
            let journal = state.value.queues["/"]!["q"]!.partitions[0].journal!
            return (journal: journal.hasPendingWrites, flusher: state.value.storage.flusherRequests!.hasHeldRequests)
        }.wait()
    }

    /// A batch that only published leaves its flusher request (and, with no journal delay, its
    /// cursor moves) for a task queued behind its deliveries' tasks.
    @Test func flusherRequestsAndCursorMovesWaitUntilAfterTheDeliveries() throws {
        let (broker, sink) = try brokerWithConsumer(journalDelay: .zero)
        defer { try? broker.shutdown().wait() }
        #expect(try pending(broker) == (journal: false, flusher: false))
        let receiver = RecordingReceiver()
        broker.perform(vhost: "/", [Self.publish("a", token: 1)], receiver: receiver)
        // Queued right behind the batch's task: the delivery was handed over, the batch's
        // after-task (queued when the batch ran) has not run yet.
        let afterPublish = try pending(broker)
        #expect(afterPublish == (journal: true, flusher: true))
        #expect(try sink.snapshot(broker).map { String(buffer: $0.message.body) } == ["a"])
        #expect(receiver.wait { receiver.storedTokens.withLockedValue { $0[1] } == 1 })
        #expect(try pending(broker) == (journal: false, flusher: false))
    }

    /// Deliveries' journal entries wait for the delay (here longer than the test), and a batch
    /// that settles writes them, with its own, before it returns: the connection's next command
    /// finds the acks in the file.
    @Test func deliveriesJournalLaterAndSettlementsAtOnce() throws {
        let (broker, sink) = try brokerWithConsumer(journalDelay: .hours(1))
        defer { try? broker.shutdown().wait() }
        let receiver = RecordingReceiver()
        broker.perform(vhost: "/", [Self.publish("a", token: 1)], receiver: receiver)
        #expect(receiver.wait { receiver.storedTokens.withLockedValue { $0[1] } == 1 })
        // The flusher was asked (the store came back); the cursor move still waits.
        #expect(try pending(broker) == (journal: true, flusher: false))
        let delivered = try #require(try sink.snapshot(broker).first)
        broker.perform(vhost: "/", [.settle([delivered.reference], .ack)], receiver: receiver)
        #expect(try pending(broker).journal == false)
    }
}
