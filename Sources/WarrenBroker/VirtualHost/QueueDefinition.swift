// QueueDefinition.swift: what a queue is, as declared.

/// Identifies a client connection within a node (exclusive queues belong to one).
public typealias ConnectionID = UInt64

/// A queue as declared.
public struct QueueDefinition: Equatable, Sendable {
    public var name: String
    public var durable: Bool
    /// The connection that owns an exclusive queue; nil for shared queues.
    public var exclusiveOwner: ConnectionID?
    public var autoDelete: Bool
    public var arguments: ArgumentTable

    public init(name: String, durable: Bool = false, exclusiveOwner: ConnectionID? = nil, autoDelete: Bool = false,
                arguments: ArgumentTable = [:]) {
        self.name = name
        self.durable = durable
        self.exclusiveOwner = exclusiveOwner
        self.autoDelete = autoDelete
        self.arguments = arguments
    }
}
