import NIOCore
import Testing
@testable import WarrenBroker

/// Consumer priorities (`x-priority`) and the channel-wide prefetch (`basic.qos` global=true).
@Suite struct PrefetchAndPriorityTests {
    typealias Sink = BrokerTests.CollectingSink

    static func bodies(_ sink: Sink, _ broker: Broker) throws -> [String] {
        try sink.snapshot(broker).map { String(buffer: $0.message.body) }
    }

    @Test func higherPriorityConsumersGetMessagesWhileTheyHaveCredit() throws {
        let broker = BrokerTests.makeBroker()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q"), passive: false, connection: 1).wait()
        let low = Sink(loop: broker.loop)
        let high = Sink(loop: broker.loop)
        try broker.consume(vhost: "/", queue: "q", consumer: 1, noAck: false, exclusive: false, prefetch: 2,
                           sink: low, connection: 1).wait()
        try broker.consume(vhost: "/", queue: "q", consumer: 2, noAck: false, exclusive: false, prefetch: 2,
                           priority: 10, sink: high, connection: 1).wait()
        try BrokerTests.publish(broker, ["a", "b", "c"])
        #expect(try Self.bodies(high, broker) == ["a", "b"])
        #expect(try Self.bodies(low, broker) == ["c"])
        // Acking frees the high-priority consumer: it gets the next message, not the idle one.
        broker.settle(vhost: "/", [try high.snapshot(broker)[0].reference], .ack)
        try BrokerTests.publish(broker, ["d"])
        #expect(try Self.bodies(high, broker) == ["a", "b", "d"])
        #expect(try Self.bodies(low, broker) == ["c"])
        try broker.shutdown().wait()
    }

    @Test func equalPrioritiesShareRoundRobin() throws {
        let broker = BrokerTests.makeBroker()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q"), passive: false, connection: 1).wait()
        let sinks = [Sink(loop: broker.loop), Sink(loop: broker.loop)]
        for (index, sink) in sinks.enumerated() {
            try broker.consume(vhost: "/", queue: "q", consumer: ConsumerID(index + 1), noAck: true, exclusive: false,
                               prefetch: 0, priority: 5, sink: sink, connection: 1).wait()
        }
        try BrokerTests.publish(broker, ["a", "b", "c", "d"])
        #expect(try Self.bodies(sinks[0], broker) == ["a", "c"])
        #expect(try Self.bodies(sinks[1], broker) == ["b", "d"])
        try broker.shutdown().wait()
    }

    @Test func channelWidePrefetchSpansQueuesAndAcksUnblockTheOtherQueue() throws {
        let broker = BrokerTests.makeBroker()
        for name in ["p", "q"] {
            _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: name), passive: false, connection: 1).wait()
        }
        let channel = ChannelPrefetch()
        try broker.setChannelPrefetch(channel, vhost: "/", limit: 1).wait()
        let onP = Sink(loop: broker.loop)
        let onQ = Sink(loop: broker.loop)
        try broker.consume(vhost: "/", queue: "p", consumer: 1, noAck: false, exclusive: false, prefetch: 0,
                           channelPrefetch: channel, sink: onP, connection: 1).wait()
        try broker.consume(vhost: "/", queue: "q", consumer: 2, noAck: false, exclusive: false, prefetch: 0,
                           channelPrefetch: channel, sink: onQ, connection: 1).wait()
        try BrokerTests.publish(broker, ["p1", "p2"], queue: "p")
        try BrokerTests.publish(broker, ["q1"], queue: "q")
        #expect(try Self.bodies(onP, broker) == ["p1"])
        #expect(try Self.bodies(onQ, broker).isEmpty)
        // Cancelled, its delivery still holds the channel's credit until acked.
        try broker.cancel(vhost: "/", queue: "p", consumer: 1).wait()
        #expect(try Self.bodies(onQ, broker).isEmpty)
        broker.settle(vhost: "/", [try onP.snapshot(broker)[0].reference], .ack)
        #expect(try Self.bodies(onQ, broker) == ["q1"])
        // Raising the limit hands out more at once.
        try BrokerTests.publish(broker, ["q2", "q3"], queue: "q")
        #expect(try Self.bodies(onQ, broker) == ["q1"])
        try broker.setChannelPrefetch(channel, vhost: "/", limit: 3).wait()
        #expect(try Self.bodies(onQ, broker) == ["q1", "q2", "q3"])
        try broker.shutdown().wait()
    }
}
