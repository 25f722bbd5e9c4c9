import Logging
import NIOPosix
import NIOCore
import Testing
@testable import WarrenBroker

/// Policies: validation with RabbitMQ's texts, which policy applies, how it meets queue
/// arguments, and that it takes effect on queues that already exist (manual clock, no sleeping).
@Suite struct PolicyTests {
    static func count(_ broker: Broker, _ queue: String) throws -> UInt64 {
        try broker.declareQueue(vhost: "/", QueueDefinition(name: queue), passive: true, connection: 1).wait().messageCount
    }

    static func declare(_ broker: Broker, _ name: String, _ arguments: ArgumentTable = [:]) throws {
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: name, arguments: arguments), passive: false,
                                    connection: 1).wait()
    }

    static func bodies(_ broker: Broker, _ queue: String) throws -> [String] {
        var bodies: [String] = []
        while let got = try broker.get(vhost: "/", queue: queue, noAck: true, consumer: 9, connection: 1).wait() {
            bodies.append(String(buffer: got.0.message.body))
        }
        return bodies
    }

    @Test func definitionsAreCheckedAsRabbitMQChecksThem() {
        func reason(_ definition: ArgumentTable) -> String? {
            do {
                try Policy(name: "p", pattern: ".*", definition: definition).validate()
                return nil
            } catch { return error.reason }
        }
        #expect(reason([:]) == "no policy provided")
        #expect(reason(["max-length": .string("x")]) == "<<\"x\">> is not a valid maximum length")
        #expect(reason(["foo": .int(1)]) == "[{<<\"foo\">>,1}] are not recognised policy settings")
        #expect(reason(["overflow": .string("nope")]) == "<<\"nope\">> is not a valid overflow value")
        #expect(reason(["message-ttl": .int(-1)]) == "-1 is not a valid message TTL")
        #expect(reason(["expires": .int(0)]) == "0 is not a valid queue expiry")
        #expect(reason(["max-age": .string("1X")]) == "<<\"1X\">> is not a valid max age")
        #expect(reason(["dead-letter-exchange": .int(5)]) == "5 is not a valid dead letter exchange name")
        #expect(reason(["max-length": .int(2), "overflow": .string("reject-publish"), "queue-mode": .string("lazy"),
                        "dead-letter-routing-key": .string("k"), "delivery-limit": .int(3), "max-age": .string("1D"),
                        "consumer-timeout": .int(1000), "max-length-bytes": .int(10), "expires": .int(1)]) == nil)
        #expect(throws: PolicyError.self) { try CompiledPolicy(Policy(name: "p", pattern: "(", definition: ["max-length": .int(1)])) }
    }

    @Test func theHighestPriorityMatchingPolicyForTheQueueTypeApplies() throws {
        let policies = try [
            Policy(name: "low", pattern: "^orders", priority: 1, definition: ["max-length": .int(1)]),
            Policy(name: "high", pattern: "^ord", priority: 5, definition: ["max-length": .int(3)]),
            Policy(name: "exchanges", pattern: ".*", applyTo: .exchanges, priority: 9, definition: ["max-length": .int(7)]),
            Policy(name: "streams", pattern: "^orders", applyTo: .streams, priority: 8, definition: ["max-age": .string("1D")]),
            Policy(name: "b-tie", pattern: "^tie", definition: ["max-length": .int(1)]),
            Policy(name: "a-tie", pattern: "^tie", definition: ["max-length": .int(2)]),
        ].map(CompiledPolicy.init)
        #expect(policies.forQueue("orders", type: .classic)?.name == "high")
        #expect(policies.forQueue("orders", type: .stream)?.name == "streams")
        #expect(policies.forQueue("tie", type: .classic)?.name == "a-tie")
        #expect(policies.forQueue("other", type: .classic) == nil)
        // Unanchored, as in RabbitMQ.
        #expect(policies.forQueue("xorders", type: .classic) == nil)
        #expect(policies.forQueue("ordinal", type: .quorum)?.name == "high")
    }

    @Test func limitsTakeTheSmallerValueAndArgumentsWinTheRest() throws {
        let policy = Policy(name: "p", pattern: ".*", definition: [
            "max-length": .int(2), "message-ttl": .int(100), "dead-letter-exchange": .string("from-policy"),
            "overflow": .string("reject-publish"), "delivery-limit": .int(4), "dead-letter-routing-key": .string("k"),
        ])
        let own = QueueDefinition(name: "q", arguments: [
            "x-max-length": .int(5), "x-message-ttl": .int(50), "x-dead-letter-exchange": .string("own"),
            "x-overflow": .string("drop-head"),
        ])
        let merged = QueueArguments.effective(own, vhost: "/", policy: policy)
        #expect(merged.maxLength == 2 && merged.messageTTL == 50)
        #expect(merged.deadLetterExchange == "own" && merged.overflow == .dropHead && merged.deadLetterRoutingKey == "k")
        // delivery-limit is for quorum queues only; a classic queue ignores it.
        #expect(merged.deliveryLimit == nil)
        let quorum = QueueDefinition(name: "q", durable: true, arguments: ["x-queue-type": .string("quorum")])
        #expect(QueueArguments.effective(quorum, vhost: "/", policy: policy).deliveryLimit == 4)
        // A routing key alone has nothing to route with.
        let lonely = Policy(name: "p", pattern: ".*", definition: ["dead-letter-routing-key": .string("k")])
        #expect(QueueArguments.effective(QueueDefinition(name: "q"), vhost: "/", policy: lonely).deadLetterRoutingKey == nil)
    }

    @Test func aPolicyTrimsAnExistingQueueAndClearingItLiftsTheLimit() throws {
        let broker = BrokerTests.makeBroker()
        try Self.declare(broker, "q")
        try BrokerTests.publish(broker, ["1", "2", "3", "4", "5", "6"])
        let created = try broker.setPolicy(vhost: "/", Policy(name: "limit", pattern: "^q$", applyTo: .queues,
                                                               definition: ["max-length": .int(2)])).wait()
        #expect(created)
        #expect(try Self.count(broker, "q") == 2)
        #expect(try broker.policyName(vhost: "/", queue: "q").wait() == "limit")
        try BrokerTests.publish(broker, ["7"])
        #expect(try Self.count(broker, "q") == 2)
        try broker.clearPolicy(vhost: "/", name: "limit").wait()
        try BrokerTests.publish(broker, ["8", "9", "10"])
        #expect(try Self.bodies(broker, "q") == ["6", "7", "8", "9", "10"])
        #expect(try broker.policyName(vhost: "/", queue: "q").wait() == nil)
        try broker.shutdown().wait()
    }

    @Test func aPolicyTTLAppliesToMessagesEnqueuedWhileItHolds() throws {
        let clock = ExpiryAndDeadLetterTests.Clock()
        let broker = ExpiryAndDeadLetterTests.makeBroker(clock: clock)
        try broker.declareExchange(vhost: "/", ExchangeDefinition(name: "dlx", type: .fanout), passive: false).wait()
        try Self.declare(broker, "dead")
        try broker.bind(vhost: "/", Binding(source: "dlx", destination: .queue("dead"), routingKey: ""), connection: 1).wait()
        try Self.declare(broker, "q", ["x-dead-letter-exchange": .string("dlx")])
        try BrokerTests.publish(broker, ["before"])
        _ = try broker.setPolicy(vhost: "/", Policy(name: "ttl", pattern: "^q$", definition: ["message-ttl": .int(100)])).wait()
        try BrokerTests.publish(broker, ["during"])
        try broker.clearPolicy(vhost: "/", name: "ttl").wait()
        try BrokerTests.publish(broker, ["after"])
        clock.advance(500)
        // As in RabbitMQ, a message keeps the TTL it was enqueued under.
        #expect(try Self.bodies(broker, "q") == ["before", "after"])
        #expect(try Self.bodies(broker, "dead") == ["during"])
        try broker.shutdown().wait()
    }

    @Test func consumerTimeoutIsThirtyMinutesUnlessTheQueueOrAPolicySaysLess() throws {
        let broker = BrokerTests.makeBroker()
        func timeout(_ queue: String) throws -> Int64? {
            try BrokerTests.publish(broker, ["m"], queue: queue)
            let got = try #require(try broker.get(vhost: "/", queue: queue, noAck: false, consumer: 9, connection: 1).wait())
            return got.0.ackTimeout
        }
        try Self.declare(broker, "plain")
        try Self.declare(broker, "own", ["x-consumer-timeout": .int(300)])
        try Self.declare(broker, "both", ["x-consumer-timeout": .int(300)])
        #expect(try timeout("plain") == 30 * 60 * 1000)  // RabbitMQ's default consumer_timeout
        #expect(try timeout("own") == 300)
        _ = try broker.setPolicy(vhost: "/", Policy(name: "t", pattern: "^(plain|both)$",
                                                    definition: ["consumer-timeout": .int(5_000)])).wait()
        #expect(try timeout("plain") == 5_000)
        #expect(try timeout("both") == 300)
        try broker.shutdown().wait()
    }

    @Test func policyErrorsAndUnknownNamesAreReported() throws {
        let broker = BrokerTests.makeBroker()
        #expect(throws: PolicyError("no policy provided")) {
            try broker.setPolicy(vhost: "/", Policy(name: "p", pattern: ".*", definition: [:])).wait()
        }
        #expect(throws: BrokerError(.notFound, "vhost_not_found")) {
            try broker.setPolicy(vhost: "nope", Policy(name: "p", pattern: ".*", definition: ["max-length": .int(1)])).wait()
        }
        #expect(throws: BrokerError.self) { try broker.clearPolicy(vhost: "/", name: "missing").wait() }
        _ = try broker.setPolicy(vhost: "/", Policy(name: "p", pattern: ".*", definition: ["max-length": .int(1)])).wait()
        let replaced = try broker.setPolicy(vhost: "/", Policy(name: "p", pattern: ".*", definition: ["max-length": .int(2)])).wait()
        #expect(!replaced)
        #expect(try broker.policies().wait().map(\.policy.definition) == [["max-length": .int(2)]])
        try broker.shutdown().wait()
    }

    @Test func policiesAreStoredAndApplyToQueuesRestoredAtStart() throws {
        let directory = DefinitionsRestoreTests.scratch()
        let store = InMemoryDefinitionsStore(loop: BrokerTests.group.next())
        let broker = DefinitionsRestoreTests.makeBroker(directory: directory, store: store)
        try broker.start().wait()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true), passive: false, connection: 1).wait()
        let policy = Policy(name: "limit", pattern: "^q$", applyTo: .queues, priority: 3, definition: ["max-length": .int(1)])
        _ = try broker.setPolicy(vhost: "/", policy).wait()
        try broker.shutdown().wait()
        #expect(try store.load().wait().policies.map(\.1) == [policy])

        let reopened = DefinitionsRestoreTests.makeBroker(directory: directory, store: store)
        try reopened.start().wait()
        try BrokerTests.publish(reopened, ["a", "b"])
        #expect(try Self.count(reopened, "q") == 1)
        try reopened.clearPolicy(vhost: "/", name: "limit").wait()
        #expect(try store.load().wait().policies.isEmpty)
        try reopened.shutdown().wait()
    }
}
