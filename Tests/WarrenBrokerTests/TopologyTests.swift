import Testing
import WarrenBroker

@Suite struct TopologyTests {
    static func topology(queues: [String] = ["q1", "q2", "q3"]) throws -> Topology {
        var topology = Topology(vhost: "/")
        for name in queues { try topology.declareQueue(QueueDefinition(name: name), connection: 1) }
        return topology
    }

    static func routed(_ topology: Topology, _ exchange: String, _ keys: [String], headers: ArgumentTable? = nil) throws -> Set<String> {
        try topology.route(exchange: exchange, routingKeys: keys, headers: headers).queues
    }

    @Test func predeclaredExchangesExist() {
        let topology = Topology(vhost: "/")
        #expect(Set(topology.exchanges.keys) == ["", "amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match"])
    }

    @Test func reservedPrefixIs403AndPassiveMissingIs404() {
        var topology = Topology(vhost: "/")
        #expect(throws: BrokerError(.accessRefused, "exchange name 'amq.mine' contains reserved prefix 'amq.*'")) {
            try topology.declareExchange(.init(name: "amq.mine", type: .direct))
        }
        #expect(throws: BrokerError(.notFound, "no exchange 'nope' in vhost '/'")) {
            try topology.declareExchange(.init(name: "nope", type: .direct), passive: true)
        }
        #expect(throws: BrokerError(.notFound, "no queue 'nope' in vhost '/'")) {
            try topology.declareQueue(.init(name: "nope"), passive: true, connection: 1)
        }
        // Passive declaration of a predeclared amq. exchange is fine.
        #expect(throws: Never.self) { try topology.declareExchange(.init(name: "amq.topic", type: .topic), passive: true) }
    }

    @Test func redeclarationMustBeEquivalent() throws {
        var topology = Topology(vhost: "/")
        try topology.declareExchange(.init(name: "logs", type: .fanout, durable: false))
        #expect(throws: BrokerError(.preconditionFailed, "inequivalent arg 'type' for exchange 'logs' in vhost '/': received 'direct' but current is 'fanout'")) {
            try topology.declareExchange(.init(name: "logs", type: .direct, durable: false))
        }
        #expect(throws: BrokerError(.preconditionFailed, "inequivalent arg 'durable' for exchange 'logs' in vhost '/': received 'true' but current is 'false'")) {
            try topology.declareExchange(.init(name: "logs", type: .fanout, durable: true))
        }
        try topology.declareQueue(.init(name: "jobs", durable: true, arguments: ["x-max-length": .int(10)]), connection: 1)
        #expect(throws: BrokerError.self) {
            try topology.declareQueue(.init(name: "jobs", durable: false, arguments: ["x-max-length": .int(10)]), connection: 1)
        }
        #expect(throws: BrokerError.self) {
            try topology.declareQueue(.init(name: "jobs", durable: true, arguments: ["x-max-length": .int(11)]), connection: 1)
        }
        // The same value in another integer width is equivalent; unchecked arguments are ignored.
        #expect(throws: Never.self) {
            try topology.declareQueue(.init(name: "jobs", durable: true, arguments: ["x-max-length": .double(10), "x-other": .int(1)]),
                                      connection: 2)
        }
    }

    @Test func exclusiveQueueIsLockedToItsConnection() throws {
        var topology = Topology(vhost: "/")
        try topology.declareQueue(.init(name: "mine", exclusiveOwner: 7), connection: 7)
        let error = #expect(throws: BrokerError.self) {
            try topology.declareQueue(.init(name: "mine", exclusiveOwner: 8), passive: true, connection: 8)
        }
        #expect(error?.kind == .resourceLocked)
        #expect(topology.exclusiveQueues(of: 7) == ["mine"])
    }

    @Test func defaultAndReservedExchangesCannotBeDeletedOrBound() throws {
        var topology = try Self.topology()
        #expect(throws: BrokerError(.accessRefused, "operation not permitted on the default exchange")) { try topology.deleteExchange("") }
        #expect(throws: BrokerError.self) { try topology.deleteExchange("amq.direct") }
        #expect(throws: BrokerError(.accessRefused, "operation not permitted on the default exchange")) {
            try topology.bind(Binding(source: "", destination: .queue("q1"), routingKey: "q1"))
        }
        #expect(throws: BrokerError(.notFound, "no queue 'missing' in vhost '/'")) {
            try topology.bind(Binding(source: "amq.direct", destination: .queue("missing"), routingKey: "k"))
        }
    }

    @Test func deleteIfUnusedAndCascade() throws {
        var topology = try Self.topology()
        try topology.declareExchange(.init(name: "x", type: .direct))
        try topology.bind(Binding(source: "x", destination: .queue("q1"), routingKey: "k"))
        try topology.bind(Binding(source: "amq.fanout", destination: .exchange("x"), routingKey: ""))
        #expect(throws: BrokerError(.preconditionFailed, "exchange 'x' in vhost '/' in use")) {
            try topology.deleteExchange("x", ifUnused: true)
        }
        try topology.deleteExchange("x")
        #expect(topology.bindings.isEmpty)
        try topology.bind(Binding(source: "amq.direct", destination: .queue("q2"), routingKey: "k"))
        try topology.deleteQueue("q2")
        #expect(topology.bindings.isEmpty)
        #expect(try Self.routed(topology, "amq.direct", ["k"]).isEmpty)
    }

    @Test func defaultExchangeRoutesByQueueName() throws {
        let topology = try Self.topology()
        #expect(try Self.routed(topology, "", ["q2"]) == ["q2"])
        #expect(try Self.routed(topology, "", ["nope"]).isEmpty)
    }

    @Test func eachExchangeTypeRoutes() throws {
        var topology = try Self.topology()
        try topology.bind(Binding(source: "amq.direct", destination: .queue("q1"), routingKey: "red"))
        try topology.bind(Binding(source: "amq.fanout", destination: .queue("q1"), routingKey: ""))
        try topology.bind(Binding(source: "amq.fanout", destination: .queue("q2"), routingKey: "ignored"))
        try topology.bind(Binding(source: "amq.topic", destination: .queue("q3"), routingKey: "*.error"))
        try topology.bind(Binding(source: "amq.headers", destination: .queue("q2"), routingKey: "",
                                  arguments: ["x-match": .string("any"), "kind": .string("a")]))
        #expect(try Self.routed(topology, "amq.direct", ["red"]) == ["q1"])
        #expect(try Self.routed(topology, "amq.direct", ["blue"]).isEmpty)
        #expect(try Self.routed(topology, "amq.fanout", ["whatever"]) == ["q1", "q2"])
        #expect(try Self.routed(topology, "amq.topic", ["disk.error"]) == ["q3"])
        #expect(try Self.routed(topology, "amq.headers", [""], headers: ["kind": .string("a")]) == ["q2"])
    }

    @Test func ccKeysRouteToEveryMatchingQueueOnce() throws {
        var topology = try Self.topology()
        try topology.bind(Binding(source: "amq.direct", destination: .queue("q1"), routingKey: "a"))
        try topology.bind(Binding(source: "amq.direct", destination: .queue("q2"), routingKey: "b"))
        #expect(try Self.routed(topology, "amq.direct", ["a", "b", "a"]) == ["q1", "q2"])
    }

    @Test func exchangeToExchangeChainsAndCyclesTerminate() throws {
        var topology = try Self.topology()
        try topology.declareExchange(.init(name: "e1", type: .fanout))
        try topology.declareExchange(.init(name: "e2", type: .fanout))
        try topology.bind(Binding(source: "e1", destination: .exchange("e2"), routingKey: ""))
        try topology.bind(Binding(source: "e2", destination: .exchange("e1"), routingKey: ""))
        try topology.bind(Binding(source: "e2", destination: .queue("q3"), routingKey: ""))
        #expect(try Self.routed(topology, "e1", ["k"]) == ["q3"])
    }

    @Test func alternateExchangeTakesWhatRoutesNowhere() throws {
        var topology = try Self.topology()
        try topology.declareExchange(.init(name: "unrouted", type: .fanout))
        try topology.bind(Binding(source: "unrouted", destination: .queue("q3"), routingKey: ""))
        try topology.declareExchange(.init(name: "main", type: .direct, arguments: ["alternate-exchange": .string("unrouted")]))
        try topology.bind(Binding(source: "main", destination: .queue("q1"), routingKey: "known"))
        #expect(try Self.routed(topology, "main", ["known"]) == ["q1"])
        #expect(try Self.routed(topology, "main", ["unknown"]) == ["q3"])
    }

    @Test func internalAndMissingExchangesRefusePublishes() throws {
        var topology = try Self.topology()
        try topology.declareExchange(.init(name: "inside", type: .fanout, internal: true))
        #expect(throws: BrokerError(.accessRefused, "cannot publish to internal exchange 'inside' in vhost '/'")) {
            _ = try Self.routed(topology, "inside", [""])
        }
        #expect(throws: BrokerError(.notFound, "no exchange 'ghost' in vhost '/'")) {
            _ = try Self.routed(topology, "ghost", [""])
        }
    }

    @Test func invalidXMatchIsRefusedAtBind() throws {
        var topology = try Self.topology()
        let error = #expect(throws: BrokerError.self) {
            try topology.bind(Binding(source: "amq.headers", destination: .queue("q1"), routingKey: "",
                                      arguments: ["x-match": .string("most")]))
        }
        #expect(error?.kind == .preconditionFailed)
        #expect(topology.bindings.isEmpty)
    }
}
