// NoAckDispatchTests.swift: no-ack deliveries settled as they go out, on the fast path and
// beside deliveries still in flight, and what a restart finds of them.
import NIOCore
import Testing
import WarrenBroker

@Suite struct NoAckDispatchTests {
    /// A broker on a fresh directory with the durable queue "q".
    static func brokerWithDurableQueue() throws -> (Broker, String) {
        let directory = "/tmp/warren-broker-test-\(UInt64.random(in: 0...UInt64.max))"
        let broker = BrokerTests.makeBroker(directory: directory)
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true), passive: false, connection: 1).wait()
        return (broker, directory)
    }

    /// The messages "q" holds when a broker opens `directory` again.
    static func messagesAfterRestart(_ directory: String) throws -> UInt64 {
        let reopened = BrokerTests.makeBroker(directory: directory)
        defer { try? reopened.shutdown().wait() }
        return try reopened.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true), passive: false,
                                         connection: 2).wait().messageCount
    }

    @Test func deliverSettledTakesOnlyTheCursorWithNothingUnsettledBelow() {
        var state = GroupPartitionState(startingAt: 5)
        let fast = state.deliverSettled(5)
        #expect(fast)
        #expect(state.readCursor == 6 && state.ackFloor == 6 && state.inFlight.isEmpty)
        // Not the cursor: refused, nothing changes.
        let notCursor = state.deliverSettled(7)
        #expect(!notCursor)
        #expect(state.readCursor == 6 && state.ackFloor == 6)
        // An offset in flight below: the floor cannot move, so the long way is taken.
        state.deliver(6, consumer: 1, deliveryTag: 1)
        let inFlightBelow = state.deliverSettled(7)
        #expect(!inFlightBelow)
        #expect(state.readCursor == 7 && state.ackFloor == 6)
        // A released offset waits for redelivery first.
        state.release(6)
        let releasedFirst = state.deliverSettled(7)
        #expect(!releasedFirst)
        #expect(state.nextOffset(logEnd: 10) == 6)
    }

    /// A no-ack consumer alone takes the fast path; its settlements reach the journal and the
    /// log's floor, so a restart finds the queue empty.
    @Test func fastPathSettlementsSurviveARestart() throws {
        let (broker, directory) = try Self.brokerWithDurableQueue()
        let sink = BrokerTests.CollectingSink(loop: broker.loop)
        try broker.consume(vhost: "/", queue: "q", consumer: 1, noAck: true, exclusive: false, prefetch: 0,
                           sink: sink, connection: 1).wait()
        try BrokerTests.publish(broker, ["a", "b", "c"])
        #expect(try sink.snapshot(broker).map { String(buffer: $0.message.body) } == ["a", "b", "c"])
        let info = try #require(try broker.queueInfo(vhost: "/", name: "q").wait())
        #expect(info.messagesReady == 0 && info.messagesUnacknowledged == 0)
        #expect(info.groups.first?.partitions.first?.ackFloor == 3)
        try broker.shutdown().wait()
        #expect(try Self.messagesAfterRestart(directory) == 0)
    }

    /// Beside a delivery still unacknowledged, no-ack deliveries settle the long way; once the
    /// one in flight is acked the floor passes all of them, and a restart finds none.
    @Test func besideAnUnackedDeliveryTheLongWaySettlesThem() throws {
        let (broker, directory) = try Self.brokerWithDurableQueue()
        let acking = BrokerTests.CollectingSink(loop: broker.loop)
        try broker.consume(vhost: "/", queue: "q", consumer: 1, noAck: false, exclusive: false, prefetch: 1,
                           sink: acking, connection: 1).wait()
        try BrokerTests.publish(broker, ["a"])
        let held = try acking.snapshot(broker)
        #expect(held.map { String(buffer: $0.message.body) } == ["a"])
        let noAck = BrokerTests.CollectingSink(loop: broker.loop)
        try broker.consume(vhost: "/", queue: "q", consumer: 2, noAck: true, exclusive: false, prefetch: 0,
                           sink: noAck, connection: 1).wait()
        try BrokerTests.publish(broker, ["b", "c"])
        #expect(try noAck.snapshot(broker).map { String(buffer: $0.message.body) } == ["b", "c"])
        var info = try #require(try broker.queueInfo(vhost: "/", name: "q").wait())
        #expect(info.messagesUnacknowledged == 1 && info.groups.first?.partitions.first?.ackFloor == 0)
        broker.settle(vhost: "/", held.map(\.reference), .ack)
        info = try #require(try broker.queueInfo(vhost: "/", name: "q").wait())
        #expect(info.messagesUnacknowledged == 0 && info.groups.first?.partitions.first?.ackFloor == 3)
        try broker.shutdown().wait()
        #expect(try Self.messagesAfterRestart(directory) == 0)
    }
}
