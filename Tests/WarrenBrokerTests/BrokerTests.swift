import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
@testable import WarrenBroker

/// The broker core through its public API, on a real event loop and real files.
@Suite struct BrokerTests {
    /// Collects deliveries; `next(count)` waits (bounded) until that many arrived.
    final class CollectingSink: DeliverySink, Sendable {
        let received = NIOLockedValueBox<[Delivery]>([])
        let cancelledConsumers = NIOLockedValueBox<[ConsumerID]>([])
        let loop: any EventLoop
        init(loop: any EventLoop) { self.loop = loop }

        func deliver(_ deliveries: [Delivery]) { received.withLockedValue { $0 += deliveries } }
        func cancelled(consumer: ConsumerID) { cancelledConsumers.withLockedValue { $0.append(consumer) } }

        /// Deliveries so far, read on the broker's loop after everything queued before it ran.
        func snapshot(_ broker: Broker) throws -> [Delivery] {
            try broker.loop.submit { self.received.withLockedValue { $0 } }.wait()
        }
    }

    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    static func makeBroker(directory: String = "/tmp/warren-broker-test-\(UInt64.random(in: 0...UInt64.max))",
                           _ configure: (inout BrokerConfiguration) -> Void = { _ in }) -> Broker {
        var configuration = BrokerConfiguration(dataDirectory: directory)
        configure(&configuration)
        return Broker(configuration: configuration, loop: group.next(),
                      logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    static func message(_ text: String, persistent: Bool = true) -> Message {
        Message(exchange: "", routingKey: "q", properties: ByteBuffer(bytes: [0, 0]), body: ByteBuffer(string: text),
                persistent: persistent, timestamp: 0)
    }

    static func publish(_ broker: Broker, _ texts: [String], queue: String = "q") throws {
        for text in texts {
            var message = Self.message(text)
            message.routingKey = queue
            let outcome = try broker.publish(vhost: "/", message, routingKeys: [queue], headers: nil).wait()
            try outcome.stored.wait()
        }
    }

    @Test func consumerGetsMessagesInOrderAndAcksFreeCredit() throws {
        let broker = Self.makeBroker()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true), passive: false, connection: 1).wait()
        try Self.publish(broker, ["a", "b", "c"])
        let sink = CollectingSink(loop: broker.loop)
        try broker.consume(vhost: "/", queue: "q", consumer: 1, noAck: false, exclusive: false, prefetch: 2,
                           sink: sink, connection: 1).wait()
        var got = try sink.snapshot(broker)
        #expect(got.map { String(buffer: $0.message.body) } == ["a", "b"])
        broker.settle(vhost: "/", [got[0].reference], .ack)
        got = try sink.snapshot(broker)
        #expect(got.map { String(buffer: $0.message.body) } == ["a", "b", "c"])
        try broker.shutdown().wait()
    }

    @Test func requeuedMessageComesBackFirstFlaggedRedelivered() throws {
        let broker = Self.makeBroker()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q"), passive: false, connection: 1).wait()
        try Self.publish(broker, ["a", "b"])
        let first = try #require(try broker.get(vhost: "/", queue: "q", noAck: false, consumer: 9, connection: 1).wait())
        #expect(first.1 == 1)
        broker.settle(vhost: "/", [first.0.reference], .requeue)
        let again = try #require(try broker.get(vhost: "/", queue: "q", noAck: true, consumer: 9, connection: 1).wait())
        #expect(String(buffer: again.0.message.body) == "a" && again.0.redelivered)
        try broker.shutdown().wait()
    }

    @Test func ackedStateSurvivesARestartAndUnackedComesBackRedelivered() throws {
        let directory = "/tmp/warren-broker-test-\(UInt64.random(in: 0...UInt64.max))"
        let broker = Self.makeBroker(directory: directory)
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true), passive: false, connection: 1).wait()
        try Self.publish(broker, ["a", "b", "c"])
        let a = try #require(try broker.get(vhost: "/", queue: "q", noAck: false, consumer: 9, connection: 1).wait())
        _ = try broker.get(vhost: "/", queue: "q", noAck: false, consumer: 9, connection: 1).wait()  // b, unacked
        broker.settle(vhost: "/", [a.0.reference], .ack)
        try broker.shutdown().wait()

        let reopened = Self.makeBroker(directory: directory)
        let status = try reopened.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true), passive: false,
                                               connection: 2).wait()
        #expect(status.messageCount == 2)
        let b = try #require(try reopened.get(vhost: "/", queue: "q", noAck: true, consumer: 9, connection: 2).wait())
        #expect(String(buffer: b.0.message.body) == "b" && b.0.redelivered)
        let c = try #require(try reopened.get(vhost: "/", queue: "q", noAck: true, consumer: 9, connection: 2).wait())
        #expect(String(buffer: c.0.message.body) == "c" && !c.0.redelivered)
        try reopened.shutdown().wait()
    }

    @Test func transientQueuesDoNotSurviveARestart() throws {
        let directory = "/tmp/warren-broker-test-\(UInt64.random(in: 0...UInt64.max))"
        let broker = Self.makeBroker(directory: directory)
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: false), passive: false, connection: 1).wait()
        try Self.publish(broker, ["a"])
        try broker.shutdown().wait()
        let reopened = Self.makeBroker(directory: directory)
        let status = try reopened.declareQueue(vhost: "/", QueueDefinition(name: "q"), passive: false, connection: 1).wait()
        #expect(status.messageCount == 0)
        try reopened.shutdown().wait()
    }

    @Test func deletingAQueueCancelsItsConsumersAndPurgeCountsReadyMessages() throws {
        let broker = Self.makeBroker()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q"), passive: false, connection: 1).wait()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "p"), passive: false, connection: 1).wait()
        try Self.publish(broker, ["1", "2", "3"], queue: "p")
        #expect(try broker.purgeQueue(vhost: "/", "p", connection: 1).wait() == 3)
        let sink = CollectingSink(loop: broker.loop)
        try broker.consume(vhost: "/", queue: "q", consumer: 5, noAck: true, exclusive: false, prefetch: 0,
                           sink: sink, connection: 1).wait()
        _ = try broker.deleteQueue(vhost: "/", "q", ifUnused: false, ifEmpty: false, connection: 1).wait()
        #expect(sink.cancelledConsumers.withLockedValue { $0 } == [5])
        #expect(throws: BrokerError.self) {
            try broker.declareQueue(vhost: "/", QueueDefinition(name: "q"), passive: true, connection: 1).wait()
        }
        try broker.shutdown().wait()
    }

    @Test func exclusiveQueuesGoWithTheirConnection() throws {
        let broker = Self.makeBroker()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "mine", exclusiveOwner: 3), passive: false,
                                    connection: 3).wait()
        broker.connectionClosed(3, vhost: "/", consumers: [])
        #expect(throws: BrokerError.self) {
            try broker.declareQueue(vhost: "/", QueueDefinition(name: "mine"), passive: true, connection: 4).wait()
        }
        try broker.shutdown().wait()
    }
}
