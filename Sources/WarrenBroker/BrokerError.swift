// BrokerError.swift: operating errors the broker reports to a front door.

/// An error a client caused or a resource refused. Front doors map `kind` to their own reply
/// codes (for AMQP: 404, 403, 406, 405, 530, 503, 541...). `text` is RabbitMQ's wording
/// without the code's symbol (`no queue 'q' in vhost '/'`).
public struct BrokerError: Error, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        case notFound
        case accessRefused
        case preconditionFailed
        case resourceLocked
        case notAllowed
        case commandInvalid
        case resourceError
        case internalError
        /// Something RabbitMQ answers with 540 NOT_IMPLEMENTED (closes the connection).
        case notImplemented
    }

    public var kind: Kind
    public var text: String

    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }

    static func noExchange(_ name: String, vhost: String) -> BrokerError {
        BrokerError(.notFound, "no exchange '\(name)' in vhost '\(vhost)'")
    }

    static func noQueue(_ name: String, vhost: String) -> BrokerError {
        BrokerError(.notFound, "no queue '\(name)' in vhost '\(vhost)'")
    }

    static let defaultExchange = BrokerError(.accessRefused, "operation not permitted on the default exchange")
}
