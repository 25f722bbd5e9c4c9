// PerfPlan.swift: what a `warren perf` run does, from its options.
import AMQPClient
import AMQPProtocol

struct PerfPlan: Sendable {
    var url: AMQPURL
    var producers: Int
    var consumers: Int
    var size: Int
    var rate: Int
    var confirmWindow: Int
    var persistent: Bool
    var prefetch: Int
    var multiAck: Int
    var autoAck: Bool
    var queue: String
    var queueArguments: FieldTable
    var queueCount: Int
    var groups: Int
    var streamOffset: String?
    var seconds: Int
    var count: Int?
    var cleanup: Bool

    init(command: Perf) {
        url = (try? AMQPURL(parsing: command.uri)) ?? AMQPURL()
        producers = command.producers
        consumers = command.consumers
        size = command.size
        rate = command.rate
        confirmWindow = command.confirm
        persistent = command.persistent
        prefetch = command.prefetch
        multiAck = command.multiAck
        autoAck = command.autoack
        queue = command.queue
        queueArguments = (try? Self.arguments(command.queueArguments)) ?? FieldTable()
        queueCount = command.queues
        groups = command.groups
        streamOffset = command.streamOffset
        seconds = command.duration
        count = command.count
        cleanup = command.cleanup
    }

    /// The queues consumers read: NAME, or NAME.1 ... NAME.N behind a fanout exchange.
    var queueNames: [String] { queueCount == 1 ? [queue] : (1...queueCount).map { "\(queue).\($0)" } }
    var exchange: String { queueCount == 1 ? "" : "\(queue).fanout" }
    /// Quorum and stream queues are durable whatever the messages are.
    var durable: Bool {
        persistent || ["quorum", "stream"].contains(queueArguments["x-queue-type"]?.string ?? "")
    }
    /// How many deliveries each published message makes.
    var copies: Int { groups > 0 ? groups : queueCount }

    /// `k=v,k=v` as queue arguments: integers as longs, true/false as booleans, else strings.
    static func arguments(_ text: String) throws -> FieldTable {
        var table = FieldTable()
        for pair in text.split(separator: ",") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw PerfError("--queue-args: expected k=v, got '\(pair)'") }
            if let number = Int64(parts[1]) {
                table[parts[0]] = .int64(number)
            } else if parts[1] == "true" || parts[1] == "false" {
                table[parts[0]] = .bool(parts[1] == "true")
            } else {
                table[parts[0]] = .longString(Array(parts[1].utf8))
            }
        }
        return table
    }
}

struct PerfError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
