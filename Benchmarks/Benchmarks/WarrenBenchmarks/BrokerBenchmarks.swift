// BrokerBenchmarks.swift: publishes through the broker core to a consumer, as a connection's
// batch (`Broker.perform`) goes: route, append, dispatch, deliver. No sockets.
import Benchmark
import Dispatch
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import WarrenBroker

/// Counts deliveries and wakes the benchmark when a batch's worth arrived.
final class CountingSink: DeliverySink, BrokerReceiver {
    let delivered = NIOLockedValueBox(0)
    let arrived = DispatchSemaphore(value: 0)
    let batch: Int

    init(batch: Int) { self.batch = batch }

    func deliver(_ deliveries: [Delivery]) {
        let total = delivered.withLockedValue { $0 += deliveries.count; return $0 }
        if total >= batch {
            delivered.withLockedValue { $0 -= batch }
            arrived.signal()
        }
    }

    func cancelled(consumer: ConsumerID) {}
    func published(_ results: [PublishResult]) {}
    func stored(_ tokens: [UInt64], failure: BrokerError?) {}
}

/// A broker with one queue and an autoack consumer on it, started once for all of a
/// benchmark's samples: a sample then counts what publishing to delivery costs in the steady
/// state, not the broker's start and shutdown (whose allocations vary with the file system).
final class BrokerFixture: @unchecked Sendable {
    static let batch = 100
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let directory = NSTemporaryDirectory() + "warren-benchmark-broker-\(UInt64.random(in: 0...UInt64.max))"
    let broker: Broker
    let sink = CountingSink(batch: BrokerFixture.batch)
    let message: Message
    let consumer: ConsumerID = 1

    init() throws {
        broker = Broker(configuration: BrokerConfiguration(dataDirectory: directory), loop: group.next(),
                        logger: Logger(label: "benchmark", factory: { _ in SwiftLogNoOpLogHandler() }))
        try broker.start().wait()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "work"), passive: false, connection: 1).wait()
        try broker.consume(vhost: "/", queue: "work", consumer: consumer, noAck: true, exclusive: false, prefetch: 0,
                           sink: sink, connection: 1).wait()
        var properties = ByteBuffer()
        properties.writeInteger(UInt16(0))
        message = Message(exchange: "", routingKey: "work", properties: properties,
                          body: ByteBuffer(repeating: 0x61, count: 16), persistent: false, timestamp: 0)
    }

    /// One batch of publishes, returning once all of them were delivered. The batch's array is
    /// made for it and handed over, as a connection hands over its outbox: `perform` takes the
    /// array and moves the commands out (a shared array would be copied first).
    func publishBatch() {
        var commands: [BrokerCommand] = []
        commands.reserveCapacity(Self.batch + 1)
        for token in 0..<Self.batch {
            commands.append(.publish(PublishCommand(message: message, routingKeys: ["work"], headers: nil,
                                                    token: UInt64(token), wantsStored: false)))
        }
        // The consumer's window gets back what it was handed, as a connection grants written deliveries.
        commands.append(.grant(queue: "work", consumer: consumer, count: Self.batch))
        broker.perform(vhost: "/", consume commands, receiver: sink)
        guard sink.arrived.wait(timeout: .now() + 10) == .success else {
            fatalError("the broker delivered fewer than \(Self.batch) messages within 10 s")
        }
    }

    func stop() {
        try? broker.shutdown().wait()
        try? group.syncShutdownGracefully()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

func brokerBenchmarks() {
    let fixture = NIOLockedValueBox<BrokerFixture?>(nil)
    Benchmark("Broker:_100_publishes_of_16B_to_an_autoack_consumer",
              configuration: .init(scalingFactor: .one),
              closure: { benchmark in
                  guard let running = fixture.withLockedValue({ $0 }) else { fatalError("the broker fixture did not start") }
                  for _ in benchmark.scaledIterations { running.publishBatch() }
              },
              setup: { let started = try BrokerFixture(); fixture.withLockedValue { $0 = started } },
              teardown: { fixture.withLockedValue { $0?.stop(); $0 = nil } })
}
