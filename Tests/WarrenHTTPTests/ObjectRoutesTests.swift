// ObjectRoutesTests.swift: queues, exchanges, bindings, definitions, groups and /metrics
// through the management router in memory.
import Foundation
import Hummingbird
import NIOCore
import Testing
@testable import WarrenBroker
@testable import WarrenHTTP

@Suite struct ObjectRoutesTests {
    typealias API = PolicyRoutesTests.API

    /// A consumer that takes deliveries and does nothing with them.
    final class NullSink: DeliverySink {
        func deliver(_ deliveries: [Delivery]) {}
        func cancelled(consumer: ConsumerID) {}
    }

    static func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test func declarePublishGetAndDeleteAQueue() async throws {
        let api = API()
        #expect(try await api.call(.put, "/api/queues/%2F/q1", #"{"durable":true}"#).status == 201)
        #expect(try await api.call(.put, "/api/queues/%2F/q1", #"{"durable":true}"#).status == 204)
        let mismatch = try await api.call(.put, "/api/queues/%2F/q1", #"{"durable":false}"#)
        #expect(mismatch.status == 400)
        #expect(mismatch.body.contains("inequivalent arg 'durable' for queue 'q1' in vhost '/'"))
        let published = try await api.call(.post, "/api/exchanges/%2F/amq.default/publish",
            #"{"properties":{"delivery_mode":2,"headers":{"h":"v"}},"routing_key":"q1","payload":"hello","payload_encoding":"string"}"#)
        #expect(published.status == 200 && published.body == #"{"routed":true}"#)
        let unrouted = try await api.call(.post, "/api/exchanges/%2F/amq.direct/publish",
            #"{"properties":{},"routing_key":"none","payload":"x","payload_encoding":"string"}"#)
        #expect(unrouted.body == #"{"routed":false}"#)
        let queue = try #require(try Self.json(try await api.call(.get, "/api/queues/%2F/q1").body) as? [String: Any])
        #expect(queue["messages_ready"] as? Int == 1 && queue["durable"] as? Bool == true && queue["type"] as? String == "classic")
        let got = try await api.call(.post, "/api/queues/%2F/q1/get", #"{"count":"5","ackmode":"ack_requeue_false","encoding":"auto"}"#)
        let messages = try #require(try Self.json(got.body) as? [[String: Any]])
        #expect(messages.count == 1)
        #expect(messages.first?["payload"] as? String == "hello" && messages.first?["message_count"] as? Int == 0)
        let properties = messages.first?["properties"] as? [String: Any]
        #expect(properties?["delivery_mode"] as? Int == 2 && (properties?["headers"] as? [String: Any])?["h"] as? String == "v")
        let negative = try await api.call(.post, "/api/queues/%2F/q1/get",
                                          #"{"count":1,"ackmode":"ack_requeue_true","encoding":"auto","truncate":-1}"#)
        #expect(negative.status == 400 && negative.body.contains("truncate must not be negative"))
        let missing = try await api.call(.post, "/api/queues/%2F/q1/get", #"{"count":1}"#)
        #expect(missing.status == 400 && missing.body.contains("{key_missing,ackmode}"))
        #expect(try await api.call(.delete, "/api/queues/%2F/q1").status == 204)
        #expect(try await api.call(.get, "/api/queues/%2F/q1").status == 404)
    }

    @Test func bindingsAreCreatedAndDeletedByTheirPropertiesKey() async throws {
        let api = API()
        #expect(try await api.call(.put, "/api/exchanges/%2F/x1", #"{"type":"topic"}"#).status == 201)
        #expect(try await api.call(.put, "/api/exchanges/%2F/x1", #"{"type":"fanout"}"#).status == 400)
        #expect(try await api.call(.put, "/api/exchanges/%2F/x2", #"{"type":"nonsense"}"#).body.contains("unknown exchange type 'nonsense'"))
        #expect(try await api.call(.put, "/api/queues/%2F/q", "{}").status == 201)
        #expect(try await api.call(.post, "/api/bindings/%2F/e/x1/q/q", #"{"routing_key":"a.*"}"#).status == 201)
        #expect(try await api.call(.post, "/api/bindings/%2F/e/x1/q/q", #"{"routing_key":"","arguments":{"k":1}}"#).status == 201)
        let listed = try #require(try Self.json(try await api.call(.get, "/api/queues/%2F/q/bindings").body) as? [[String: Any]])
        // The default exchange's implicit binding first, as RabbitMQ lists it.
        #expect(listed.map { $0["source"] as? String } == ["", "x1", "x1"])
        let keys = listed.compactMap { $0["properties_key"] as? String }
        #expect(keys[1] == "a.*" || keys[2] == "a.*")
        let withArguments = try #require(keys.first { $0.hasPrefix("~") && $0.count > 1 })
        let encoded = withArguments.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? withArguments
        #expect(try await api.call(.delete, "/api/bindings/%2F/e/x1/q/q/\(encoded)").status == 204)
        #expect(try await api.call(.delete, "/api/bindings/%2F/e/x1/q/q/\(encoded)").status == 404)
        let after = try #require(try Self.json(try await api.call(.get, "/api/bindings/%2F/e/x1/q/q").body) as? [[String: Any]])
        #expect(after.count == 1 && after.first?["routing_key"] as? String == "a.*")
    }

    /// A RabbitMQ 3.10 export's users keep their password hashes; a file with one bad entry
    /// changes nothing.
    @Test func definitionsImportAllOrNothingAndExport() async throws {
        let api = API()
        let file = """
            {"rabbit_version":"3.10.8","users":[{"name":"alice","password_hash":"dZ2x6HUHonEGX4tTbN/RM7PrV7WO424RIK7N0wA8qt4aK8wC",
              "hashing_algorithm":"rabbit_password_hashing_sha256","tags":["management"],"limits":{}}],
             "vhosts":[{"name":"v2"}],
             "permissions":[{"user":"alice","vhost":"v2","configure":".*","write":".*","read":".*"}],
             "parameters":[{"component":"federation-upstream","vhost":"/","name":"up","value":{}}],
             "policies":[{"vhost":"v2","name":"ttl","pattern":"^t","apply-to":"queues","definition":{"message-ttl":1000},"priority":0}],
             "queues":[{"name":"orders","vhost":"v2","durable":true,"auto_delete":false,"arguments":{}}],
             "exchanges":[{"name":"shop","vhost":"v2","type":"topic","durable":true,"auto_delete":false,"internal":false,"arguments":{}}],
             "bindings":[{"source":"shop","vhost":"v2","destination":"orders","destination_type":"queue","routing_key":"order.#","arguments":{}}]}
            """
        #expect(try await api.call(.post, "/api/definitions", "{}").status == 204)
        let imported = try await api.call(.post, "/api/definitions?report=true", file)
        #expect(imported.status == 200)
        let report = try #require(try Self.json(imported.body) as? [String: Any])
        #expect((report["created"] as? [String: Int]) == ["users": 1, "vhosts": 1, "permissions": 1, "policies": 1,
                                                          "queues": 1, "exchanges": 1, "bindings": 1])
        #expect((report["skipped"] as? [String])?.count == 1)
        let alice = try #require(api.broker.userDirectory.users["alice"])
        #expect(PasswordHash.verify("s3cret", against: alice.passwordHash ?? ""))
        #expect(api.broker.virtualHosts.contains("v2"))

        let bad = """
            {"vhosts":[{"name":"v3"}],"queues":[{"name":"new","vhost":"v3","durable":true,"arguments":{}}],
             "bindings":[{"source":"amq.direct","vhost":"v3","destination":"missing","destination_type":"queue","routing_key":"","arguments":{}}]}
            """
        let refused = try await api.call(.post, "/api/definitions", bad)
        #expect(refused.status == 400 && refused.body.contains("no queue 'missing' in vhost 'v3'"))
        #expect(!api.broker.virtualHosts.contains("v3"))

        // The file's own max-queues applies to its queues: refused whole, before anything is made.
        let overLimit = """
            {"vhosts":[{"name":"v4"}],"parameters":[{"component":"vhost-limits","vhost":"v4","name":"limits","value":{"max-queues":1}}],
             "queues":[{"name":"a","vhost":"v4","durable":true,"arguments":{}},{"name":"b","vhost":"v4","durable":true,"arguments":{}}]}
            """
        let limited = try await api.call(.post, "/api/definitions", overLimit)
        #expect(limited.status == 400 && limited.body.contains("max-queues limit (1)"))
        #expect(!api.broker.virtualHosts.contains("v4"))

        let exported = try #require(try Self.json(try await api.call(.get, "/api/definitions").body) as? [String: Any])
        #expect((exported["queues"] as? [[String: Any]])?.contains { $0["name"] as? String == "orders" } == true)
        #expect((exported["exchanges"] as? [[String: Any]])?.map { $0["name"] as? String } == ["shop"])
        #expect((exported["vhosts"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["/", "v2"])
    }

    @Test func anIdleGroupIsResetAndAnActiveOneIsNot() async throws {
        let api = API()
        #expect(try await api.call(.put, "/api/queues/%2F/events", #"{"durable":true}"#).status == 201)
        for n in 0..<3 {
            _ = try await api.call(.post, "/api/exchanges/%2F/amq.default/publish",
                                   #"{"properties":{},"routing_key":"events","payload":"\#(n)","payload_encoding":"string"}"#)
        }
        let sink = NullSink()
        try await api.broker.consume(vhost: "/", queue: "events", consumer: 5, group: "audit", start: .next, noAck: false,
                                     exclusive: false, prefetch: 10, sink: sink, connection: 1).get()
        let busy = try await api.call(.post, "/api/queues/%2F/events/groups/audit/reset", #"{"to":"first"}"#)
        #expect(busy.status == 400 && busy.body.contains("has consumers"))
        try await api.broker.cancel(vhost: "/", queue: "events", consumer: 5).get()
        #expect(try await api.call(.post, "/api/queues/%2F/events/groups/audit/reset", #"{"to":"first"}"#).status == 204)
        let groups = try #require(try Self.json(try await api.call(.get, "/api/queues/%2F/events/groups").body) as? [[String: Any]])
        let audit = try #require(groups.first { $0["name"] as? String == "audit" })
        #expect(audit["lag"] as? Int == 3)
        #expect(try await api.call(.post, "/api/queues/%2F/events/groups/audit/reset", #"{"to":"sideways"}"#).status == 400)
        #expect(try await api.call(.post, "/api/queues/%2F/events/groups/nobody/reset", #"{"to":"first"}"#).status == 404)
    }

    @Test func metricsNeedNoLoginAndCarryRabbitMQNames() async throws {
        let api = API()
        _ = try await api.call(.put, "/api/queues/%2F/m", "{}")
        let metrics = try await api.call(.get, "/metrics", credentials: "nobody:nothing")
        #expect(metrics.status == 200)
        for name in ["rabbitmq_connections ", "rabbitmq_queue_messages_ready{vhost=\"/\",queue=\"m\"}",
                     "rabbitmq_global_messages_received_total", "warren_group_lag{"] {
            #expect(metrics.body.contains(name), "missing \(name)")
        }
    }
}
