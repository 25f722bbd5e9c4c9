import Foundation
import NIOCore
import Testing
@testable import WarrenBroker

/// Queues of several partitions (`x-partitions`): keys pick partitions, order holds within a
/// partition, every group still gets every message once, and positions survive restarts.
@Suite struct PartitionTests {
    static let definition = QueueDefinition(name: "orders", durable: true, arguments: ["x-partitions": .int(4)])

    /// Publishes through the default exchange (routing key = queue name) with `key` as the
    /// message's `x-partition-key` header, which picks the partition.
    static func publish(_ broker: Broker, key: String, body: String) throws {
        let message = Message(exchange: "", routingKey: "orders", properties: ByteBuffer(bytes: [0, 0]),
                              body: ByteBuffer(string: body), persistent: true, timestamp: 0)
        let outcome = try broker.publish(vhost: "/", message, routingKeys: ["orders"],
                                         headers: ["x-partition-key": .string(key)]).wait()
        try outcome.stored.wait()
    }

    @Test func keysSpreadOverPartitionsAndOrderHoldsPerKey() throws {
        let directory = "/tmp/warren-partition-test-\(UInt64.random(in: 0...UInt64.max))"
        let broker = BrokerTests.makeBroker(directory: directory)
        _ = try broker.declareQueue(vhost: "/", Self.definition, passive: false, connection: 1).wait()
        for index in 0..<40 { try Self.publish(broker, key: "customer-\(index % 8)", body: "\(index % 8):\(index)") }
        let status = try broker.declareQueue(vhost: "/", Self.definition, passive: true, connection: 1).wait()
        #expect(status.messageCount == 40)

        let sink = BrokerTests.CollectingSink(loop: broker.loop)
        try broker.consume(vhost: "/", queue: "orders", consumer: 1, noAck: true, exclusive: false, prefetch: 0,
                           sink: sink, connection: 1).wait()
        let deliveries = try sink.snapshot(broker)
        #expect(deliveries.count == 40)
        #expect(Set(deliveries.map(\.partition)).count > 1)
        // Each key stays in one partition, and its messages arrive in publish order.
        var partitionOfKey: [Substring: Int] = [:]
        var lastOfKey: [Substring: Int] = [:]
        for delivery in deliveries {
            let parts = String(buffer: delivery.message.body).split(separator: ":")
            let (key, sequence) = (parts[0], Int(parts[1])!)
            #expect(partitionOfKey[key, default: delivery.partition] == delivery.partition)
            partitionOfKey[key] = delivery.partition
            #expect(sequence > lastOfKey[key, default: -1])
            lastOfKey[key] = sequence
        }
        #expect(FileManagerCheck.partitionDirectories(directory, queue: "orders") == ["0", "1", "2", "3"])
        try broker.shutdown().wait()
    }

    @Test func groupPositionsInEveryPartitionSurviveARestart() throws {
        let directory = "/tmp/warren-partition-test-\(UInt64.random(in: 0...UInt64.max))"
        let broker = BrokerTests.makeBroker(directory: directory)
        _ = try broker.declareQueue(vhost: "/", Self.definition, passive: false, connection: 1).wait()
        for index in 0..<20 { try Self.publish(broker, key: "k\(index)", body: "\(index)") }
        let sink = BrokerTests.CollectingSink(loop: broker.loop)
        try broker.consume(vhost: "/", queue: "orders", consumer: 1, group: "billing", start: .first, noAck: false,
                           exclusive: false, prefetch: 0, sink: sink, connection: 1).wait()
        let first = try sink.snapshot(broker)
        #expect(first.count == 20)
        broker.settle(vhost: "/", first.prefix(12).map(\.reference), .ack)
        try broker.shutdown().wait()

        let reopened = BrokerTests.makeBroker(directory: directory)
        _ = try reopened.declareQueue(vhost: "/", Self.definition, passive: false, connection: 2).wait()
        let again = BrokerTests.CollectingSink(loop: reopened.loop)
        try reopened.consume(vhost: "/", queue: "orders", consumer: 2, group: "billing", noAck: true, exclusive: false,
                             prefetch: 0, sink: again, connection: 2).wait()
        let rest = try again.snapshot(reopened)
        let expected = Set(first.dropFirst(12).map { String(buffer: $0.message.body) })
        #expect(Set(rest.map { String(buffer: $0.message.body) }) == expected)
        #expect(rest.allSatisfy { $0.redelivered })
        try reopened.shutdown().wait()
    }

    @Test func partitionChoiceIsStableAndCoversEveryPartition() {
        #expect(PartitionChoice.partition(key: Array("a".utf8), count: 1) == 0)
        let chosen = (0..<100).map { PartitionChoice.partition(key: Array("key-\($0)".utf8), count: 4) }
        #expect(Set(chosen) == [0, 1, 2, 3])
        #expect(PartitionChoice.partition(key: Array("key-7".utf8), count: 4) == chosen[7])
    }

    @Test(arguments: [ArgumentValue.int(0), .int(257), .string("3")])
    func invalidPartitionCountsAre406(_ value: ArgumentValue) throws {
        let broker = BrokerTests.makeBroker()
        #expect(throws: BrokerError.self) {
            try broker.declareQueue(vhost: "/", QueueDefinition(name: "p", durable: true, arguments: ["x-partitions": value]),
                                    passive: false, connection: 1).wait()
        }
        try broker.shutdown().wait()
    }
}

enum FileManagerCheck {
    static func partitionDirectories(_ root: String, queue: String) -> [String] {
        let path = "\(root)/vhosts/%2F/queues/\(queue)/partitions"
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}

/// Single active consumer on a partitioned queue pins each partition to one member.
@Suite struct PinnedPartitionTests {
    @Test func eachPartitionHasOneReaderAndTheNextTakesOver() throws {
        let broker = BrokerTests.makeBroker()
        let definition = QueueDefinition(name: "orders", durable: true,
                                         arguments: ["x-partitions": .int(2), "x-single-active-consumer": .bool(true)])
        _ = try broker.declareQueue(vhost: "/", definition, passive: false, connection: 1).wait()
        let first = BrokerTests.CollectingSink(loop: broker.loop)
        let second = BrokerTests.CollectingSink(loop: broker.loop)
        try broker.consume(vhost: "/", queue: "orders", consumer: 1, noAck: true, exclusive: false, prefetch: 0,
                           sink: first, connection: 1).wait()
        try broker.consume(vhost: "/", queue: "orders", consumer: 2, noAck: true, exclusive: false, prefetch: 0,
                           sink: second, connection: 1).wait()
        for index in 0..<20 { try PartitionTests.publish(broker, key: "k\(index)", body: "\(index)") }
        let a = try first.snapshot(broker)
        let b = try second.snapshot(broker)
        #expect(a.count + b.count == 20)
        #expect(Set(a.map(\.partition)) == [0] && Set(b.map(\.partition)) == [1])
        // The first reader leaves: the second now reads both partitions.
        try broker.cancel(vhost: "/", queue: "orders", consumer: 1).wait()
        for index in 20..<30 { try PartitionTests.publish(broker, key: "k\(index)", body: "\(index)") }
        #expect(Set(try second.snapshot(broker).dropFirst(b.count).map(\.partition)) == [0, 1])
        try broker.shutdown().wait()
    }
}
