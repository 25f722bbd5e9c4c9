import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
@testable import WarrenBroker
import WarrenLog

/// TTL at the head and dead-lettering, on a manual clock (no sleeping).
@Suite struct ExpiryAndDeadLetterTests {
    final class Clock: LogClock {
        let now = NIOLockedValueBox<Int64>(1_000_000)
        func nowMilliseconds() -> Int64 { now.withLockedValue { $0 } }
        func advance(_ milliseconds: Int64) { now.withLockedValue { $0 += milliseconds } }
    }

    static func makeBroker(clock: Clock) -> Broker {
        var configuration = BrokerConfiguration(dataDirectory: "/tmp/warren-expiry-test-\(UInt64.random(in: 0...UInt64.max))")
        configuration.logClock = clock
        return Broker(configuration: configuration, loop: BrokerTests.group.next(),
                      logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    static func body(_ result: (Delivery, UInt64)?) -> String? { result.map { String(buffer: $0.0.message.body) } }

    @Test func expiredHeadsAreDeadLetteredAndTheRestStays() throws {
        let clock = Clock()
        let broker = Self.makeBroker(clock: clock)
        try broker.declareExchange(vhost: "/", ExchangeDefinition(name: "dlx", type: .fanout), passive: false).wait()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "dead"), passive: false, connection: 1).wait()
        try broker.bind(vhost: "/", Binding(source: "dlx", destination: .queue("dead"), routingKey: ""), connection: 1).wait()
        let work = QueueDefinition(name: "q", arguments: ["x-message-ttl": .int(100), "x-dead-letter-exchange": .string("dlx")])
        _ = try broker.declareQueue(vhost: "/", work, passive: false, connection: 1).wait()
        try BrokerTests.publish(broker, ["old"])
        clock.advance(60)
        try BrokerTests.publish(broker, ["young"])
        clock.advance(50)  // "old" is 110 ms old, "young" 50 ms
        let got = try broker.get(vhost: "/", queue: "q", noAck: true, consumer: 9, connection: 1).wait()
        #expect(Self.body(got) == "young")
        let dead = try broker.get(vhost: "/", queue: "dead", noAck: true, consumer: 9, connection: 1).wait()
        #expect(Self.body(dead) == "old")
        #expect(dead?.0.message.exchange == "dlx" && dead?.0.message.routingKey == "q")
        try broker.shutdown().wait()
    }

    @Test func ownExpirationCountsOnlyAtTheHead() throws {
        let clock = Clock()
        let broker = Self.makeBroker(clock: clock)
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q"), passive: false, connection: 1).wait()
        for (text, ttl) in [("long", Int64(1_000)), ("short", 10)] {
            var message = BrokerTests.message(text)
            message.expiration = ttl
            let outcome = try broker.publish(vhost: "/", message, routingKeys: ["q"], headers: nil).wait()
            try outcome.stored.wait()
        }
        clock.advance(20)
        // "short" has expired but waits behind "long", as in RabbitMQ.
        #expect(Self.body(try broker.get(vhost: "/", queue: "q", noAck: true, consumer: 9, connection: 1).wait()) == "long")
        #expect(try broker.get(vhost: "/", queue: "q", noAck: true, consumer: 9, connection: 1).wait() == nil)
        try broker.shutdown().wait()
    }

    @Test func rejectedWithoutADeadLetterExchangeIsDropped() throws {
        let broker = Self.makeBroker(clock: Clock())
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q"), passive: false, connection: 1).wait()
        try BrokerTests.publish(broker, ["a"])
        let got = try #require(try broker.get(vhost: "/", queue: "q", noAck: false, consumer: 9, connection: 1).wait())
        broker.settle(vhost: "/", [got.0.reference], .reject)
        #expect(try broker.declareQueue(vhost: "/", QueueDefinition(name: "q"), passive: true, connection: 1).wait()
            .messageCount == 0)
        #expect(try broker.get(vhost: "/", queue: "q", noAck: true, consumer: 9, connection: 1).wait() == nil)
        try broker.shutdown().wait()
    }

    @Test func cycleRuleAllowsRetryLoopsOnly() {
        #expect(BrokerState.isDeadLetterCycle(to: "a", deaths: [("b", "expired"), ("a", "expired")]))
        #expect(!BrokerState.isDeadLetterCycle(to: "a", deaths: [("b", "expired"), ("a", "rejected")]))
        #expect(!BrokerState.isDeadLetterCycle(to: "c", deaths: [("b", "expired"), ("a", "expired")]))
    }
}
