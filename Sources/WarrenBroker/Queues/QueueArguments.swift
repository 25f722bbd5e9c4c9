// QueueArguments.swift: the x-arguments of a queue declaration, checked as RabbitMQ checks
// them (reply texts included).

/// RabbitMQ's queue types. All are logs here; `stream` reads are non-destructive.
public enum QueueType: String, Sendable {
    case classic, quorum, stream
}

/// What happens to a publish into a full queue (`x-overflow`).
public enum OverflowBehaviour: String, Sendable {
    case dropHead = "drop-head"
    case rejectPublish = "reject-publish"
    case rejectPublishDLX = "reject-publish-dlx"
}

/// What a queue's `x-arguments` ask for, once validated.
struct QueueArguments: Equatable {
    var type: QueueType = .classic
    /// `x-partitions`: how many partition logs the queue has.
    var partitions = 1
    static let partitionsMax = 256
    /// `x-max-age` of a stream: segments whose newest message is older go.
    var maxAge: Duration?
    /// `x-max-length-bytes`: a stream's retention size; a work queue's limit of ready bytes.
    var maxLengthBytes: Int64?
    /// `x-max-length`: a work queue's limit of ready messages.
    var maxLength: Int64?
    var overflow: OverflowBehaviour = .dropHead
    /// `x-message-ttl` in milliseconds.
    var messageTTL: Int64?
    /// `x-expires` in milliseconds: an unused queue is deleted after this long.
    var expires: Int64?
    /// `x-requeue-delay` (Warren): a requeued message is held back this many milliseconds.
    var requeueDelay: Int64?
    /// `x-consumer-timeout` in milliseconds: an unacknowledged delivery older than this closes
    /// its channel (406), or with `x-consumer-timeout-requeue` returns to the queue instead.
    var consumerTimeout: Int64?
    var consumerTimeoutRequeues = false
    /// `x-single-active-consumer`: one consumer per partition at a time, the next in line
    /// taking over when it leaves.
    var singleActiveConsumer = false
    /// `x-delivery-limit` (quorum queues): a message returned more often is dead-lettered.
    var deliveryLimit: Int64?
    /// `x-max-priority`: the queue keeps one lane (partition log) per priority 0...max and
    /// hands out the highest lane first.
    var maxPriority: Int?
    /// `x-dead-letter-exchange` ("" is the default exchange) and `x-dead-letter-routing-key`.
    var deadLetterExchange: String?
    var deadLetterRoutingKey: String?

    /// A classic queue without arguments.
    init() {}

    /// Validates a declaration in `vhost`; throws RabbitMQ's 406 for what it refuses.
    init(_ definition: QueueDefinition, vhost: String) throws(BrokerError) {
        let queue = "queue '\(definition.name)' in vhost '\(vhost)'"
        let arguments = definition.arguments
        func invalid(_ key: String, _ reason: String) -> BrokerError {
            BrokerError(.preconditionFailed, "invalid arg '\(key)' for \(queue): \(reason)")
        }
        /// A non-negative integer argument (`positive`: zero refused too).
        func integer(_ key: String, positive: Bool = false) throws(BrokerError) -> Int64? {
            guard let value = arguments[key] else { return nil }
            guard case .int(let number) = value else {
                throw invalid(key, "\"expected integer, got \(value.rabbitTypeName)\"")
            }
            if number < 0 { throw invalid(key, "{value_negative,\(number)}") }
            if number == 0 && positive { throw invalid(key, "{value_zero,0}") }
            return number
        }
        func string(_ key: String) throws(BrokerError) -> String? {
            guard let value = arguments[key] else { return nil }
            guard case .bytes = value, let text = value.string else {
                throw BrokerError(.preconditionFailed, "invalid type '\(value.rabbitTypeName)' for arg '\(key)' in \(queue)")
            }
            return text
        }

        if let value = arguments["x-queue-type"] {
            guard let name = value.string, let type = QueueType(rawValue: name) else {
                throw invalid("x-queue-type", "\"unsupported queue type '\(value.string ?? "\(value)")'\"")
            }
            self.type = type
        }
        if let value = arguments["x-partitions"] {
            guard case .int(let count) = value, (1...Int64(Self.partitionsMax)).contains(count) else {
                throw invalid("x-partitions", "must be an integer from 1 to \(Self.partitionsMax)")
            }
            partitions = Int(count)
        }
        messageTTL = try integer("x-message-ttl")
        expires = try integer("x-expires", positive: true)
        maxLength = try integer("x-max-length")
        maxLengthBytes = try integer("x-max-length-bytes")
        if let value = arguments["x-max-priority"] {
            guard case .int(let priority) = value else {
                throw invalid("x-max-priority", "\"expected integer, got \(value.rabbitTypeName)\"")
            }
            if priority < 0 { throw invalid("x-max-priority", "{value_negative,\(priority)}") }
            if priority > 255 { throw invalid("x-max-priority", "{max_value_exceeded,\(priority)}") }
            if arguments["x-partitions"] != nil {
                throw invalid("x-max-priority", "cannot be combined with x-partitions")
            }
            maxPriority = Int(priority)
            partitions = Int(priority) + 1
        }
        if let value = arguments["x-overflow"] {
            guard case .bytes = value else { throw invalid("x-overflow", "{unacceptable_type,\(value.rabbitTypeName)}") }
            guard let overflow = value.string.flatMap(OverflowBehaviour.init(rawValue:)) else {
                throw invalid("x-overflow", "invalid_overflow")
            }
            self.overflow = overflow
        }
        deadLetterExchange = try string("x-dead-letter-exchange")
        deadLetterRoutingKey = try string("x-dead-letter-routing-key")
        if deadLetterRoutingKey != nil && deadLetterExchange == nil {
            throw invalid("x-dead-letter-routing-key", "routing_key_but_no_dlx_defined")
        }

        requeueDelay = try integer("x-requeue-delay")
        consumerTimeout = try integer("x-consumer-timeout", positive: true)
        if let value = arguments["x-consumer-timeout-requeue"] {
            guard case .bool(let on) = value else {
                throw invalid("x-consumer-timeout-requeue", "{unacceptable_type,\(value.rabbitTypeName)}")
            }
            consumerTimeoutRequeues = on
        }
        if let value = arguments["x-single-active-consumer"] {
            guard case .bool(let on) = value else {
                throw invalid("x-single-active-consumer", "{unacceptable_type,\(value.rabbitTypeName)}")
            }
            singleActiveConsumer = on
        }
        if arguments["x-delivery-limit"] != nil {
            guard type == .quorum else {
                throw BrokerError(.preconditionFailed, "invalid arg 'x-delivery-limit' for \(queue) of queue type rabbit_\(type.rawValue)_queue")
            }
            deliveryLimit = try integer("x-delivery-limit")
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
        if let value = arguments["x-max-age"] {
            guard case .bytes = value else { throw invalid("x-max-age", "{unacceptable_type,\(value.rabbitTypeName)}") }
            guard let text = value.string, let age = Self.parseMaxAge(text) else { throw invalid("x-max-age", "invalid_max_age") }
            maxAge = age
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
