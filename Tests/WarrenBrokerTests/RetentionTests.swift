import Logging
import NIOCore
import NIOPosix
import Testing
@testable import WarrenBroker
import WarrenLog

/// Segments go when they are no longer needed: a work queue's once every group settled them,
/// a stream's past `x-max-length-bytes` whatever its readers did.
@Suite struct RetentionTests {
    static func makeBroker() -> Broker {
        var configuration = BrokerConfiguration(
            dataDirectory: "/tmp/warren-retention-test-\(UInt64.random(in: 0...UInt64.max))")
        configuration.segmentBytes = 4096
        return Broker(configuration: configuration, loop: BrokerTests.group.next(),
                      logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    static func payload(_ index: Int) -> String { String(repeating: "\(index % 10)", count: 500) + "#\(index)" }

    static func log(_ broker: Broker, _ queue: String) throws -> (start: Int64, segments: Int) {
        try broker.loop.submit {
            let log = broker.state.value.queues["/"]![queue]!.partitions[0].log
            return (log.logStartOffset, log.segmentCount)
        }.wait()
    }

    @Test func workQueueSegmentsGoOnceEveryGroupHasSettledThem() throws {
        let broker = Self.makeBroker()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true), passive: false, connection: 1).wait()
        try BrokerTests.publish(broker, (0..<40).map(Self.payload))
        #expect(try Self.log(broker, "q").segments > 3)
        // A second group pins everything until it, too, has read the messages.
        let audit = BrokerTests.CollectingSink(loop: broker.loop)
        try broker.consume(vhost: "/", queue: "q", consumer: 7, group: "audit", start: .first, noAck: false,
                           exclusive: false, prefetch: 0, sink: audit, connection: 1).wait()
        for _ in 0..<40 {
            let got = try #require(try broker.get(vhost: "/", queue: "q", noAck: true, consumer: 9, connection: 1).wait())
            _ = got
        }
        #expect(try Self.log(broker, "q").start == 0)
        let deliveries = try audit.snapshot(broker)
        #expect(deliveries.count == 40)
        broker.settle(vhost: "/", deliveries.map(\.reference), .ack)
        let after = try Self.log(broker, "q")
        #expect(after.start > 30 && after.segments == 1)
        try broker.shutdown().wait()
    }

    @Test func streamKeepsToItsByteLimitAndALaggingReaderSkipsAhead() throws {
        let broker = Self.makeBroker()
        let definition = QueueDefinition(name: "s", durable: true,
                                         arguments: ["x-queue-type": .string("stream"), "x-max-length-bytes": .int(8192)])
        _ = try broker.declareQueue(vhost: "/", definition, passive: false, connection: 1).wait()
        let reader = BrokerTests.CollectingSink(loop: broker.loop)
        try broker.consume(vhost: "/", queue: "s", consumer: 3, group: "slow", start: .first, noAck: false,
                           exclusive: false, prefetch: 1, sink: reader, connection: 1).wait()
        try BrokerTests.publish(broker, (0..<60).map(Self.payload), queue: "s")
        let log = try Self.log(broker, "s")
        #expect(log.start > 0 && log.segments <= 4)
        // The reader held offset 0 unacked; once it acks, it continues at the log's start.
        let first = try reader.snapshot(broker)
        #expect(first.count == 1)
        broker.settle(vhost: "/", [first[0].reference], .ack)
        let next = try reader.snapshot(broker)
        #expect(next.count == 2 && next[1].offset == UInt64(log.start))
        try broker.shutdown().wait()
    }

    @Test func aPolicyByteLimitTrimsAnExistingStreamAndLaterAppends() throws {
        let broker = Self.makeBroker()
        let definition = QueueDefinition(name: "s", durable: true, arguments: ["x-queue-type": .string("stream")])
        _ = try broker.declareQueue(vhost: "/", definition, passive: false, connection: 1).wait()
        try BrokerTests.publish(broker, (0..<60).map(Self.payload), queue: "s")
        let unlimited = try Self.log(broker, "s")
        #expect(unlimited.start == 0 && unlimited.segments > 4)
        _ = try broker.setPolicy(vhost: "/", Policy(name: "size", pattern: "^s$", applyTo: .streams,
                                                    definition: ["max-length-bytes": .int(8192)])).wait()
        let trimmed = try Self.log(broker, "s")
        #expect(trimmed.start > 0 && trimmed.segments <= 4)
        try BrokerTests.publish(broker, (60..<120).map(Self.payload), queue: "s")
        #expect(try Self.log(broker, "s").segments <= 4)
        try broker.shutdown().wait()
    }

    @Test func maxAgeParsesRabbitMQUnits() {
        #expect(QueueArguments.parseMaxAge("7D") == .seconds(7 * 86_400))
        #expect(QueueArguments.parseMaxAge("2h") == .seconds(7_200))
        #expect(QueueArguments.parseMaxAge("1Y") == .seconds(365 * 86_400))
        for bad in ["", "D", "0s", "-1m", "7X", "1.5h"] { #expect(QueueArguments.parseMaxAge(bad) == nil, "\(bad)") }
    }
}
