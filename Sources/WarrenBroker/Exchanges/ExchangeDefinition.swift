// ExchangeDefinition.swift: what an exchange is, as declared.

/// The four exchange types.
public enum ExchangeType: String, Sendable, CaseIterable {
    case direct, fanout, topic, headers
}

/// Where a binding sends messages.
public enum BindingDestination: Hashable, Sendable {
    case queue(String)
    case exchange(String)
}

/// An exchange as declared.
public struct ExchangeDefinition: Equatable, Sendable {
    public var name: String
    public var type: ExchangeType
    public var durable: Bool
    public var autoDelete: Bool
    public var `internal`: Bool
    public var arguments: ArgumentTable

    public init(name: String, type: ExchangeType, durable: Bool = true, autoDelete: Bool = false,
                internal: Bool = false, arguments: ArgumentTable = [:]) {
        self.name = name
        self.type = type
        self.durable = durable
        self.autoDelete = autoDelete
        self.internal = `internal`
        self.arguments = arguments
    }

    /// The `alternate-exchange` argument: where unroutable messages go.
    public var alternateExchange: String? { arguments["alternate-exchange"]?.string }

    /// Exchanges every vhost has, as RabbitMQ predeclares them.
    public static let predeclared: [ExchangeDefinition] = [
        .init(name: "", type: .direct),
        .init(name: "amq.direct", type: .direct),
        .init(name: "amq.fanout", type: .fanout),
        .init(name: "amq.topic", type: .topic),
        .init(name: "amq.headers", type: .headers),
        .init(name: "amq.match", type: .headers),
    ]
}

/// A binding from an exchange to a queue or another exchange.
public struct Binding: Hashable, Sendable {
    public var source: String
    public var destination: BindingDestination
    public var routingKey: String
    public var arguments: ArgumentTable

    public init(source: String, destination: BindingDestination, routingKey: String, arguments: ArgumentTable = [:]) {
        self.source = source
        self.destination = destination
        self.routingKey = routingKey
        self.arguments = arguments
    }
}
