import NIOCore
import Testing
@testable import WarrenBroker

/// The window of deliveries a consumer's front door holds before it grants more
/// (`BrokerLimits.consumerWindow`, `deliveryCost`).
@Suite struct ConsumerWindowTests {
    private static func publish(_ broker: Broker, count: Int, bodyBytes: Int) throws {
        let body = ByteBuffer(repeating: UInt8(ascii: "x"), count: bodyBytes)
        for _ in 0..<count {
            let message = Message(exchange: "", routingKey: "q", properties: ByteBuffer(bytes: [0, 0]), body: body,
                                  persistent: false, timestamp: 0)
            try broker.publish(vhost: "/", message, routingKeys: ["q"], headers: nil).wait().stored.wait()
        }
    }

    /// How many deliveries a no-ack consumer that never grants gets of `count` messages.
    private static func deliveredWithoutGrants(count: Int, bodyBytes: Int) throws -> (Int, Broker, BrokerTests.CollectingSink) {
        let broker = BrokerTests.makeBroker()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q"), passive: false, connection: 1).wait()
        try publish(broker, count: count, bodyBytes: bodyBytes)
        let sink = BrokerTests.CollectingSink(loop: broker.loop)
        try broker.consume(vhost: "/", queue: "q", consumer: 1, noAck: true, exclusive: false, prefetch: 0,
                           sink: sink, connection: 1).wait()
        return (try sink.snapshot(broker).count, broker, sink)
    }

    @Test func smallMessagesFillTheWindowOneUnitEach() throws {
        let window = BrokerLimits.consumerWindow
        let (delivered, broker, sink) = try Self.deliveredWithoutGrants(count: window + 500, bodyBytes: 16)
        defer { try? broker.shutdown().wait() }
        #expect(delivered == window)
        // Granting back what was written lets the rest through.
        broker.grantDeliveries(vhost: "/", queue: "q", consumer: 1, count: window)
        #expect(try sink.snapshot(broker).count == window + 500)
    }

    /// 8 KiB bodies cost 3 units each: the window takes the first delivery that finds it open,
    /// so ⌈4,096 / 3⌉ = 1,366 go out, 10.7 MiB of bodies instead of 32 MiB at one unit each.
    @Test func largeMessagesCostMoreOfTheWindow() throws {
        #expect(BrokerLimits.deliveryCost(bodyBytes: 4095) == 1)
        #expect(BrokerLimits.deliveryCost(bodyBytes: 8192) == 3)
        let cost = BrokerLimits.deliveryCost(bodyBytes: 8192)
        let expected = (BrokerLimits.consumerWindow + cost - 1) / cost
        let (delivered, broker, _) = try Self.deliveredWithoutGrants(count: expected + 100, bodyBytes: 8192)
        defer { try? broker.shutdown().wait() }
        #expect(delivered == expected)
    }
}
