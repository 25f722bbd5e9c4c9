// PerfCommand.swift: `warren perf`: a load generator in the spirit of RabbitMQ's PerfTest, on
// AMQPClient; works against any AMQP 0-9-1 broker.
import AMQPClient
import ArgumentParser
import Foundation

struct Perf: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load-test a broker: producers, consumers, rates, confirms, latency percentiles.")

    @Option(help: "Broker URI.") var uri = "amqp://guest:guest@127.0.0.1:5672/%2f"
    @Option(help: "Producer connections.") var producers = 1
    @Option(help: "Consumer connections (per queue, or per consumer group).") var consumers = 1
    @Option(help: "Message body size in bytes (at least 8: the send time rides in the body).") var size = 16
    @Option(help: "Messages per second per producer; 0 for as fast as possible.") var rate = 0
    @Option(help: "Publisher confirms with at most N outstanding per producer; 0 for none.") var confirm = 0
    @Flag(help: "Persistent messages (delivery mode 2) in durable queues.") var persistent = false
    @Option(help: "Consumer prefetch (basic.qos); 0 for unlimited.") var prefetch = 0
    @Option(name: .customLong("multi-ack"), help: "Ack every N deliveries with multiple=true.") var multiAck = 1
    @Flag(help: "Consume without acknowledgements (no-ack).") var autoack = false
    @Option(help: "Queue name; with --queues N, NAME.1 ... NAME.N.") var queue = "perf"
    @Option(name: .customLong("queue-args"), help: "Queue arguments, k=v,k=v (integers stay integers).")
    var queueArguments = ""
    @Option(help: "Queues bound to one fanout exchange: each gets every message.") var queues = 1
    @Option(help: "Consumer groups on the one queue (x-consumer-group), each getting every message.") var groups = 0
    @Option(name: .customLong("stream-offset"), help: "x-stream-offset of consumers (first, last, next, N).")
    var streamOffset: String?
    @Option(help: "Seconds of publishing.") var duration = 10
    @Option(help: "Messages per producer, instead of a duration.") var count: Int?
    @Flag(help: "Print the summary as JSON.") var json = false
    @Flag(help: "Delete the queues and exchange at the end.") var cleanup = false

    func validate() throws {
        guard size >= 8 else { throw ValidationError("--size must be at least 8 bytes, got \(size)") }
        guard producers >= 0, consumers >= 0, rate >= 0, confirm >= 0, prefetch >= 0, multiAck >= 1,
              queues >= 1, groups >= 0, duration >= 1 else {
            throw ValidationError("counts must not be negative; --multi-ack, --queues and --duration are at least 1")
        }
        guard prefetch <= 65535 else { throw ValidationError("--prefetch is at most 65535, got \(prefetch)") }
        if groups > 0 && queues > 1 { throw ValidationError("--groups reads one queue; use it without --queues") }
        _ = try PerfPlan.arguments(queueArguments)
        guard (try? AMQPURL(parsing: uri)) != nil else { throw ValidationError("--uri: not an amqp:// URI: \(uri)") }
    }

    func run() async throws {
        let plan = PerfPlan(command: self)
        let summary = try await PerfRunner(plan: plan).run()
        if json {
            let data = try JSONSerialization.data(withJSONObject: summary.json, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(summary.text)
        }
    }
}
