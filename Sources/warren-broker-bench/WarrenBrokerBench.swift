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

    @Option(help: "Messages that expire (comma-separated: one run each).") var expired = "100000"
    @Option(help: "Newer messages behind them that do not (comma-separated: one run each).") var live = "0,100000,1000000"
    @Option(help: "Body bytes per message.") var bodyBytes = 100
    @Option(help: "Scratch directory.") var directory = "/tmp/warren-bench-expiry"
    @Flag(help: "Dead-letter the expired messages into another queue instead of dropping them.")
    var deadLetter = false

    func run() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        // Allocations are counted when scripts/broker-bench.sh preloads its malloc counter.
        let mallocs = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "warren_malloc_count")
            .map { unsafeBitCast($0, to: (@convention(c) () -> Int).self) }
        print("expired\tlive\tqueue length\texpiry ms\tns per expired message\tmallocs per expired message")
        for expired in expired.split(separator: ",").compactMap({ Int($0) }) {
            for live in live.split(separator: ",").compactMap({ Int($0) }) {
                try run(expired: expired, live: live, group: group, mallocs: mallocs)
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func run(expired: Int, live: Int, group: MultiThreadedEventLoopGroup,
                     mallocs: (@convention(c) () -> Int)?) throws {
        try? FileManager.default.removeItem(atPath: directory)
        let clock = BenchClock()
        var configuration = BrokerConfiguration(dataDirectory: directory)
        configuration.logClock = clock
        let broker = Broker(configuration: configuration, loop: group.next(),
                            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        // A TTL of an hour: the broker's real-time head-expiry timer cannot fire during the run, so
        // the expiry happens in the timed basic.get, on the manual clock.
        var arguments: ArgumentTable = ["x-message-ttl": .int(3_600_000)]
        if deadLetter {
            try broker.declareExchange(vhost: "/", ExchangeDefinition(name: "dlx", type: .fanout), passive: false).wait()
            _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "dead"), passive: false, connection: 1).wait()
            try broker.bind(vhost: "/", Binding(source: "dlx", destination: .queue("dead"), routingKey: ""), connection: 1).wait()
            arguments = ["x-message-ttl": .int(3_600_000), "x-dead-letter-exchange": .string("dlx")]
        }
        let queue = QueueDefinition(name: "q", arguments: arguments)
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
        let mallocsBefore = mallocs?() ?? 0
        let start = DispatchTime.now().uptimeNanoseconds
        let first = try broker.get(vhost: "/", queue: "q", noAck: true, consumer: 1, connection: 1).wait()
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        let allocated = (mallocs?() ?? 0) - mallocsBefore
        let remaining = try broker.declareQueue(vhost: "/", queue, passive: true, connection: 1).wait().messageCount
        guard (first == nil) == (live == 0), remaining == UInt64(max(live - 1, 0)) else {
            throw ValidationError("unexpected queue state after expiry: \(remaining) left")
        }
        if deadLetter {
            // Dead-lettered copies are stored once the get has returned; count them when they are.
            let dead = try broker.declareQueue(vhost: "/", QueueDefinition(name: "dead"), passive: true, connection: 1)
                .wait().messageCount
            guard dead == UInt64(expired) else { throw ValidationError("\(dead) of \(expired) dead-lettered") }
        }
        print("\(expired)\t\(live)\t\(expired + live)\t\(String(format: "%.1f", Double(elapsed) / 1e6))\t"
            + String(format: "%.0f", Double(elapsed) / Double(expired)) + "\t"
            + (mallocs == nil ? "-" : String(format: "%.1f", Double(allocated) / Double(expired))))
        try broker.shutdown().wait()
    }
}
