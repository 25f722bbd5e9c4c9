// WarrenBrokerBench.swift: `warren-broker-bench`, benchmarks of the broker core without sockets.
import ArgumentParser
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import WarrenBroker
import WarrenLog

@main
struct WarrenBrokerBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warren-broker-bench",
        abstract: "Benchmarks of the broker core (no networking).",
        subcommands: [BenchExpiry.self])
}

/// A clock the benchmark moves by hand, so expiry happens exactly when it says.
final class BenchClock: LogClock {
    let now = NIOLockedValueBox<Int64>(1_700_000_000_000)
    func nowMilliseconds() -> Int64 { now.withLockedValue { $0 } }
    func advance(_ milliseconds: Int64) { now.withLockedValue { $0 += milliseconds } }
}

/// Expiry at the head: `--expired` messages expire while `--live` newer ones stay; the time
/// to expire the head must follow the expired count, not the queue's length.
struct BenchExpiry: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-expiry",
                                                    abstract: "Time to expire messages at the head of a queue.")

    @Option(help: "Messages that expire.") var expired = 100_000
    @Option(help: "Newer messages behind them that do not (comma-separated: one run each).") var live = "0,100000,1000000"
    @Option(help: "Body bytes per message.") var bodyBytes = 100
    @Option(help: "Scratch directory.") var directory = "/tmp/warren-bench-expiry"

    func run() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        print("expired\tlive\tqueue length\texpiry ms\tns per expired message")
        for live in live.split(separator: ",").compactMap({ Int($0) }) {
            try? FileManager.default.removeItem(atPath: directory)
            let clock = BenchClock()
            var configuration = BrokerConfiguration(dataDirectory: directory)
            configuration.logClock = clock
            let broker = Broker(configuration: configuration, loop: group.next(),
                                logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
            // A TTL of an hour: the broker's real-time head-expiry timer cannot fire during the run, so
            // the expiry happens in the timed basic.get, on the manual clock.
            let queue = QueueDefinition(name: "q", arguments: ["x-message-ttl": .int(3_600_000)])
            _ = try broker.declareQueue(vhost: "/", queue, passive: false, connection: 1).wait()
            let body = ByteBuffer(repeating: 0x61, count: bodyBytes)
            func publish(_ count: Int) throws {
                var last: EventLoopFuture<PublishOutcome>?
                for _ in 0..<count {
                    let message = Message(exchange: "", routingKey: "q", properties: ByteBuffer(bytes: [0, 0]),
                                          body: body, persistent: false, timestamp: 0)
                    last = broker.publish(vhost: "/", message, routingKeys: ["q"], headers: nil)
                }
                _ = try last?.wait()
            }
            try publish(expired)
            clock.advance(2_000_000)
            try publish(live)
            clock.advance(2_000_000)  // the first batch is 4,000 s old (expired), the second 2,000 s (live)
            let start = DispatchTime.now().uptimeNanoseconds
            let first = try broker.get(vhost: "/", queue: "q", noAck: true, consumer: 1, connection: 1).wait()
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            let remaining = try broker.declareQueue(vhost: "/", queue, passive: true, connection: 1).wait().messageCount
            guard (first == nil) == (live == 0), remaining == UInt64(max(live - 1, 0)) else {
                throw ValidationError("unexpected queue state after expiry: \(remaining) left")
            }
            print("\(expired)\t\(live)\t\(expired + live)\t\(String(format: "%.1f", Double(elapsed) / 1e6))\t"
                + String(format: "%.0f", Double(elapsed) / Double(expired)))
            try broker.shutdown().wait()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
