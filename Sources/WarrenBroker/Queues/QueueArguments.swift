// QueueArguments.swift: the queue type and the stream arguments of a declaration, checked as
// RabbitMQ checks them (reply texts included).

/// RabbitMQ's queue types. All are logs here; `stream` reads are non-destructive.
public enum QueueType: String, Sendable {
    case classic, quorum, stream
}

/// What a queue's `x-arguments` ask for, once validated.
struct QueueArguments: Equatable {
    var type: QueueType = .classic
    /// `x-max-age` of a stream: segments whose newest message is older go.
    var maxAge: Duration?
    /// `x-max-length-bytes` of a stream: the oldest segments go past this size.
    var maxLengthBytes: Int64?
    /// `x-partitions`: how many partition logs the queue has.
    var partitions = 1
    static let partitionsMax = 256

    /// Validates a declaration in `vhost`; throws RabbitMQ's 406 for what it refuses.
    init(_ definition: QueueDefinition, vhost: String) throws(BrokerError) {
        let queue = "queue '\(definition.name)' in vhost '\(vhost)'"
        if let value = definition.arguments["x-queue-type"] {
            guard let name = value.string, let type = QueueType(rawValue: name) else {
                throw BrokerError(.preconditionFailed, "invalid arg 'x-queue-type' for \(queue): \"unsupported queue type '\(value.string ?? "\(value)")'\"")
            }
            self.type = type
        }
        if let value = definition.arguments["x-partitions"] {
            guard case .int(let count) = value, (1...Int64(Self.partitionsMax)).contains(count) else {
                throw BrokerError(.preconditionFailed, "invalid arg 'x-partitions' for \(queue): must be an integer from 1 to \(Self.partitionsMax)")
            }
            partitions = Int(count)
        }
        guard type != .classic else { return }
        // Replicated types live as long as their definition: no transient, exclusive or
        // auto-delete variants.
        if !definition.durable { throw BrokerError(.preconditionFailed, "invalid property 'non-durable' for \(queue)") }
        if definition.exclusiveOwner != nil {
            throw BrokerError(.preconditionFailed, "invalid property 'exclusive-owner' for \(queue)")
        }
        if definition.autoDelete { throw BrokerError(.preconditionFailed, "invalid property 'auto-delete' for \(queue)") }
        guard type == .stream else { return }
        if let value = definition.arguments["x-max-age"] {
            guard case .bytes = value else {
                throw BrokerError(.preconditionFailed, "invalid arg 'x-max-age' for \(queue): {unacceptable_type,\(value.rabbitTypeName)}")
            }
            guard let text = value.string, let age = Self.parseMaxAge(text) else {
                throw BrokerError(.preconditionFailed, "invalid arg 'x-max-age' for \(queue): invalid_max_age")
            }
            maxAge = age
        }
        if let value = definition.arguments["x-max-length-bytes"] {
            guard case .int(let bytes) = value else {
                throw BrokerError(.preconditionFailed, "invalid arg 'x-max-length-bytes' for \(queue): \"expected integer, got \(value.rabbitTypeName)\"")
            }
            guard bytes >= 0 else {
                throw BrokerError(.preconditionFailed, "invalid arg 'x-max-length-bytes' for \(queue): {value_negative,\(bytes)}")
            }
            maxLengthBytes = bytes
        }
    }

    /// RabbitMQ's `x-max-age` syntax: a positive number and one unit of Y, M, D, h, m, s.
    static func parseMaxAge(_ text: String) -> Duration? {
        guard let unit = text.last, let number = Int64(text.dropLast()), number > 0 else { return nil }
        let seconds: Int64
        switch unit {
        case "Y": seconds = 365 * 86_400
        case "M": seconds = 30 * 86_400
        case "D": seconds = 86_400
        case "h": seconds = 3_600
        case "m": seconds = 60
        case "s": seconds = 1
        default: return nil
        }
        let (total, overflow) = number.multipliedReportingOverflow(by: seconds)
        return overflow ? nil : .seconds(total)
    }
}
