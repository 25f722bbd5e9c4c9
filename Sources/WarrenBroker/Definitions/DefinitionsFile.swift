// DefinitionsFile.swift: a definitions export (RabbitMQ's `/api/definitions` content) as the
// broker reads and writes it, and the report of an import.

/// What a definitions file holds. Front doors parse RabbitMQ's JSON into it and back.
public struct DefinitionsFile: Sendable {
    public var users: [User] = []
    public var vhosts: [String] = []
    public var permissions: [(vhost: String, user: String, Permission)] = []
    public var topicPermissions: [(vhost: String, user: String, TopicPermission)] = []
    public var policies: [(vhost: String, Policy)] = []
    public var queues: [(vhost: String, QueueDefinition)] = []
    public var exchanges: [(vhost: String, ExchangeDefinition)] = []
    public var bindings: [(vhost: String, Binding)] = []
    /// `vhost-limits` runtime parameters: limit name → value (negative: none).
    public var vhostLimits: [(vhost: String, [String: Int64])] = []

    public init() {}
}

/// What an import did: what it created, what was already there as the file says, and what
/// it skipped (kinds Warren does not support, such as runtime parameters).
public struct ImportReport: Sendable, Equatable {
    public var created: [String: Int] = [:]
    public var unchanged: [String: Int] = [:]
    public var skipped: [String] = []

    public init() {}
}
