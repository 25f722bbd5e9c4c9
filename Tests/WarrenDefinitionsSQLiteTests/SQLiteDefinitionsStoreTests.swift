import Logging
import NIOCore
import NIOPosix
import Testing
import WarrenBroker
@testable import WarrenDefinitionsSQLite

/// The SQLite store on real files: what goes in comes back after reopening, in order.
@Suite struct SQLiteDefinitionsStoreTests {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func scratchPath() -> String {
        "/tmp/warren-sqlite-test-\(UInt64.random(in: 0...UInt64.max)).sqlite3"
    }

    static func store(_ path: String) -> SQLiteDefinitionsStore {
        SQLiteDefinitionsStore(path: path, eventLoop: group.next(), logger: logger)
    }

    /// Every argument type the broker keeps.
    static let everyType: ArgumentTable = [
        "bool": .bool(true), "int": .int(-7), "double": .double(1.5), "nan": .double(.infinity),
        "decimal": .decimal(scale: 2, value: 150), "string": .string("héllo"), "bytes": .bytes([0xff, 0x00, 0xc3]),
        "timestamp": .timestamp(1_700_000_000), "array": .array([.int(1), .string("two")]),
        "table": .table(["inner": .table(["deep": .bool(false)])]), "void": .void,
    ]

    @Test func changesSurviveReopeningInDeclarationOrder() throws {
        let path = Self.scratchPath()
        let store = Self.store(path)
        #expect(try store.load().wait() == StoredDefinitions())
        let exchange = ExchangeDefinition(name: "events", type: .topic, autoDelete: true, internal: true,
                                          arguments: ["alternate-exchange": .string("ae")])
        let queue = QueueDefinition(name: "b-queue", durable: true, arguments: Self.everyType)
        let binding = Binding(source: "events", destination: .queue("b-queue"), routingKey: "a.#", arguments: Self.everyType)
        try store.apply([
            .putExchange(vhost: "/", exchange),
            .putExchange(vhost: "other", ExchangeDefinition(name: "x", type: .headers)),
            .putQueue(vhost: "/", queue),
            .putQueue(vhost: "/", QueueDefinition(name: "a-queue", durable: true)),
            .putBinding(vhost: "/", binding),
            .putBinding(vhost: "/", binding),
            .putBinding(vhost: "/", Binding(source: "events", destination: .exchange("x"), routingKey: "")),
            .putGroup(vhost: "/", queue: "b-queue", group: "billing"),
        ]).wait()
        try store.close().wait()

        let reopened = Self.store(path)
        let loaded = try reopened.load().wait()
        #expect(loaded.exchanges.map(\.vhost) == ["/", "other"])
        #expect(loaded.exchanges[0].1 == exchange)
        #expect(loaded.queues.map(\.1.name) == ["b-queue", "a-queue"])
        #expect(loaded.queues[0].1 == queue)
        #expect(loaded.bindings.count == 2 && loaded.bindings[0].1 == binding)
        #expect(loaded.groups.map(\.group) == ["billing"])
        try reopened.close().wait()
    }

    @Test func deletesCascadeToBindingsAsTheInMemoryStoreDoes() throws {
        let store = Self.store(Self.scratchPath())
        var expected = StoredDefinitions()
        let changes: [DefinitionChange] = [
            .putExchange(vhost: "/", ExchangeDefinition(name: "e", type: .direct)),
            .putExchange(vhost: "/", ExchangeDefinition(name: "f", type: .fanout)),
            .putQueue(vhost: "/", QueueDefinition(name: "q", durable: true)),
            .putBinding(vhost: "/", Binding(source: "e", destination: .queue("q"), routingKey: "k")),
            .putBinding(vhost: "/", Binding(source: "f", destination: .exchange("e"), routingKey: "")),
            .putBinding(vhost: "/", Binding(source: "f", destination: .queue("q"), routingKey: "")),
            .putGroup(vhost: "/", queue: "q", group: "billing"),
            .putGroup(vhost: "/", queue: "q", group: "billing"),
            .putQueue(vhost: "/", QueueDefinition(name: "r", durable: true)),
            .putGroup(vhost: "/", queue: "r", group: "audit"),
            .deleteQueue(vhost: "/", name: "q"),
            .deleteBinding(vhost: "/", Binding(source: "nothing", destination: .queue("q"), routingKey: "")),
            .deleteExchange(vhost: "/", name: "e"),
        ]
        for change in changes {
            try store.apply([change]).wait()
            expected.apply(change)
            #expect(try store.load().wait() == expected, "after \(change)")
        }
        try store.close().wait()
    }

    @Test func aNewerSchemaIsRefusedWithAClearError() throws {
        let path = Self.scratchPath()
        let store = Self.store(path)
        _ = try store.load().wait()
        try store.apply([]).wait()
        try store.close().wait()
        // Pretend a later Warren wrote the file.
        let writer = Self.store(path)
        _ = try writer.load().wait()
        try writer.executeForTesting("UPDATE schema_version SET version = 99").wait()
        try writer.close().wait()

        let reopened = Self.store(path)
        #expect {
            try reopened.load().wait()
        } throws: { error in
            "\(error)".contains("schema version 99 is newer")
        }
        try reopened.close().wait()
    }
}
