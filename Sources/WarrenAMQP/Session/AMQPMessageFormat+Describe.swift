// AMQPMessageFormat+Describe.swift: basic properties by the names RabbitMQ's management API
// uses, both ways (reading messages with `/get`, publishing with `/publish`).
import AMQPProtocol
import NIOCore
import WarrenBroker

extension AMQPMessageFormat {
    public func describe(_ properties: ByteBuffer) -> ArgumentTable {
        var copy = properties
        guard let decoded = try? BasicProperties.decode(from: &copy) else { return [:] }
        var entries: [(key: String, value: ArgumentValue)] = []
        func text(_ key: String, _ value: String?) { if let value { entries.append((key, .string(value))) } }
        text("content_type", decoded.contentType)
        text("content_encoding", decoded.contentEncoding)
        if let headers = decoded.headers { entries.append(("headers", .table(ArgumentTable(headers)))) }
        if let mode = decoded.deliveryMode { entries.append(("delivery_mode", .int(Int64(mode)))) }
        if let priority = decoded.priority { entries.append(("priority", .int(Int64(priority)))) }
        text("correlation_id", decoded.correlationID)
        text("reply_to", decoded.replyTo)
        text("expiration", decoded.expiration)
        text("message_id", decoded.messageID)
        if let timestamp = decoded.timestamp { entries.append(("timestamp", .int(Int64(truncatingIfNeeded: timestamp)))) }
        text("type", decoded.type)
        text("user_id", decoded.userID)
        text("app_id", decoded.appID)
        text("cluster_id", decoded.clusterID)
        return ArgumentTable(entries)
    }

    public func encode(_ described: ArgumentTable) throws -> ByteBuffer {
        var properties = BasicProperties()
        for (key, value) in described.entries.map({ ($0.key, $0.value) }) {
            func text() throws -> String {
                guard let string = value.string else { throw BrokerError(.preconditionFailed, "invalid property \(key)") }
                return string
            }
            func number(_ range: ClosedRange<Int64>) throws -> Int64 {
                guard let integer = value.integer ?? value.string.flatMap({ Int64($0) }), range.contains(integer) else {
                    throw BrokerError(.preconditionFailed, "invalid property \(key)")
                }
                return integer
            }
            switch key {
            case "content_type": properties.contentType = try text()
            case "content_encoding": properties.contentEncoding = try text()
            case "headers":
                guard case .table(let table) = value else { throw BrokerError(.preconditionFailed, "invalid property headers") }
                properties.headers = FieldTable(arguments: table)
            case "delivery_mode": properties.deliveryMode = UInt8(try number(1...2))
            case "priority": properties.priority = UInt8(try number(0...255))
            case "correlation_id": properties.correlationID = try text()
            case "reply_to": properties.replyTo = try text()
            case "expiration": properties.expiration = try text()
            case "message_id": properties.messageID = try text()
            case "timestamp": properties.timestamp = UInt64(try number(0...Int64.max))
            case "type": properties.type = try text()
            case "user_id": properties.userID = try text()
            case "app_id": properties.appID = try text()
            case "cluster_id": properties.clusterID = try text()
            default: throw BrokerError(.preconditionFailed, "unknown property \(key)")
            }
        }
        var buffer = ByteBuffer()
        properties.encode(into: &buffer)
        return buffer
    }
}

extension FieldTable {
    /// A table of broker argument values; integers go as longs, strings as long strings.
    init(arguments: ArgumentTable) {
        self.init()
        entries = arguments.entries.map { Entry(key: $0.key, value: FieldValue(argument: $0.value)) }
    }
}

extension FieldValue {
    init(argument: ArgumentValue) {
        switch argument {
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int64(number)
        case .double(let number): self = .double(number)
        case .decimal(let scale, let value): self = .decimal(scale: scale, value: value)
        case .bytes(let bytes): self = .longString(bytes)
        case .timestamp(let seconds): self = .timestamp(seconds)
        case .array(let values): self = .array(values.map(FieldValue.init(argument:)))
        case .table(let table): self = .table(FieldTable(arguments: table))
        case .void: self = .void
        }
    }
}
