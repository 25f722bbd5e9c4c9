import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing
@testable import WarrenBroker

/// Durable definitions go to the store and come back on `start()`; others do not.
@Suite struct DefinitionsRestoreTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func makeBroker(directory: String, store: InMemoryDefinitionsStore) -> Broker {
        Broker(configuration: BrokerConfiguration(dataDirectory: directory), loop: BrokerTests.group.next(),
               logger: logger, definitions: store)
    }

    static func scratch() -> String { "/tmp/warren-definitions-test-\(UInt64.random(in: 0...UInt64.max))" }

    @Test func durableExchangesQueuesAndBindingsComeBackAfterARestart() throws {
        let directory = Self.scratch()
        let store = InMemoryDefinitionsStore(loop: BrokerTests.group.next())
        let broker = Self.makeBroker(directory: directory, store: store)
        try broker.start().wait()
        try broker.declareExchange(vhost: "/", ExchangeDefinition(name: "events", type: .topic), passive: false).wait()
        try broker.declareExchange(vhost: "/", ExchangeDefinition(name: "scratch", type: .fanout, durable: false),
                                   passive: false).wait()
        let arguments: ArgumentTable = ["x-max-priority": .int(5)]
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true, arguments: arguments),
                                    passive: false, connection: 1).wait()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "t"), passive: false, connection: 1).wait()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "x", durable: true, exclusiveOwner: 1),
                                    passive: false, connection: 1).wait()
        try broker.bind(vhost: "/", Binding(source: "events", destination: .queue("q"), routingKey: "a.#"), connection: 1).wait()
        try broker.bind(vhost: "/", Binding(source: "events", destination: .queue("t"), routingKey: "#"), connection: 1).wait()
        try BrokerTests.publish(broker, ["kept"])
        try broker.shutdown().wait()

        let stored = try store.load().wait()
        #expect(stored.exchanges.map(\.1.name) == ["events"])
        #expect(stored.queues.map(\.1) == [QueueDefinition(name: "q", durable: true, arguments: arguments)])
        #expect(stored.bindings.map(\.1.routingKey) == ["a.#"])

        let reopened = Self.makeBroker(directory: directory, store: store)
        try reopened.start().wait()
        let status = try reopened.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true, arguments: arguments),
                                               passive: true, connection: 2).wait()
        #expect(status.messageCount == 1)
        for missing in ["t", "x"] {
            #expect(throws: BrokerError.noQueue(missing, vhost: "/")) {
                try reopened.declareQueue(vhost: "/", QueueDefinition(name: missing), passive: true, connection: 2).wait()
            }
        }
        var routed = BrokerTests.message("routed")
        routed.exchange = "events"
        let outcome = try reopened.publish(vhost: "/", routed, routingKeys: ["a.b"], headers: nil).wait()
        #expect(outcome.queueCount == 1)
        try reopened.shutdown().wait()
    }

    @Test func namedGroupsAreRecordedAndComeBackEvenWithoutTheirJournal() throws {
        let directory = Self.scratch()
        let store = InMemoryDefinitionsStore(loop: BrokerTests.group.next())
        let broker = Self.makeBroker(directory: directory, store: store)
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true), passive: false, connection: 1).wait()
        try BrokerTests.publish(broker, ["a", "b"])
        let sink = BrokerTests.CollectingSink(loop: broker.loop)
        try broker.consume(vhost: "/", queue: "q", consumer: 1, group: "billing", start: .next, noAck: true,
                           exclusive: false, prefetch: 0, sink: sink, connection: 1).wait()
        #expect(try store.load().wait().groups.map(\.group) == ["billing"])
        try broker.shutdown().wait()
        // Lose the journals: the recorded group still exists after the restart, from the first message.
        for index in 0..<1 {
            try? FileManager.default.removeItem(atPath: "\(directory)/vhosts/%2F/queues/q/partitions/\(index)/groups")
        }
        let reopened = Self.makeBroker(directory: directory, store: store)
        try reopened.start().wait()
        let groups = try reopened.loop.submit { Array(reopened.state.value.queues["/"]!["q"]!.groups.keys).sorted() }.wait()
        #expect(groups == ["billing", "default"])
        try reopened.shutdown().wait()
    }

    @Test func deletionsReachTheStoreAndCascadeToBindings() throws {
        let store = InMemoryDefinitionsStore(loop: BrokerTests.group.next())
        let broker = Self.makeBroker(directory: Self.scratch(), store: store)
        try broker.declareExchange(vhost: "/", ExchangeDefinition(name: "e", type: .direct), passive: false).wait()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true), passive: false, connection: 1).wait()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "r", durable: true), passive: false, connection: 1).wait()
        try broker.bind(vhost: "/", Binding(source: "e", destination: .queue("q"), routingKey: "k"), connection: 1).wait()
        try broker.bind(vhost: "/", Binding(source: "e", destination: .queue("r"), routingKey: "k"), connection: 1).wait()
        _ = try broker.deleteQueue(vhost: "/", "q", ifUnused: false, ifEmpty: false, connection: 1).wait()
        #expect(try store.load().wait().bindings.map(\.1.destination) == [.queue("r")])
        try broker.unbind(vhost: "/", Binding(source: "e", destination: .queue("r"), routingKey: "k"), connection: 1).wait()
        #expect(try store.load().wait().bindings.isEmpty)
        try broker.deleteExchange(vhost: "/", "e", ifUnused: false).wait()
        let stored = try store.load().wait()
        #expect(stored.exchanges.isEmpty && stored.queues.map(\.1.name) == ["r"])
        try broker.shutdown().wait()
    }

    @Test func autoDeleteExchangeGoesWithItsLastBinding() throws {
        let store = InMemoryDefinitionsStore(loop: BrokerTests.group.next())
        let broker = Self.makeBroker(directory: Self.scratch(), store: store)
        try broker.declareExchange(vhost: "/", ExchangeDefinition(name: "ad", type: .fanout, autoDelete: true),
                                   passive: false).wait()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true), passive: false, connection: 1).wait()
        let binding = Binding(source: "ad", destination: .queue("q"), routingKey: "")
        try broker.bind(vhost: "/", binding, connection: 1).wait()
        // Declared without bindings, it stays; it goes when the last binding does.
        try broker.declareExchange(vhost: "/", ExchangeDefinition(name: "ad", type: .fanout, autoDelete: true),
                                   passive: true).wait()
        try broker.unbind(vhost: "/", binding, connection: 1).wait()
        #expect(throws: BrokerError.noExchange("ad", vhost: "/")) {
            try broker.declareExchange(vhost: "/", ExchangeDefinition(name: "ad", type: .fanout), passive: true).wait()
        }
        #expect(try store.load().wait().exchanges.isEmpty)
        try broker.shutdown().wait()
    }

    @Test func aStoreFailureIsReportedAsAnInternalError() throws {
        let store = InMemoryDefinitionsStore(loop: BrokerTests.group.next())
        let broker = Self.makeBroker(directory: Self.scratch(), store: store)
        store.failWrites = true
        #expect {
            try broker.declareExchange(vhost: "/", ExchangeDefinition(name: "e", type: .direct), passive: false).wait()
        } throws: { error in
            (error as? BrokerError)?.kind == .internalError
        }
        store.failWrites = false
        // A later declaration that writes nothing is not held up by the earlier failure.
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "t"), passive: false, connection: 1).wait()
        try broker.shutdown().wait()
    }
}
