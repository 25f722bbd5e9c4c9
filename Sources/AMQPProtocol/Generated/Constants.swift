// Generated; do not edit. Source: shared/spec/amqp-rabbitmq-0.9.1.json.
// Generator: scripts/generate-amqp.py


/// Reply codes used in `connection.close` and `channel.close`.
public enum ReplyCode: UInt16, Sendable, CaseIterable {
    case replySuccess = 200
    case contentTooLarge = 311
    case noRoute = 312
    case noConsumers = 313
    case accessRefused = 403
    case notFound = 404
    case resourceLocked = 405
    case preconditionFailed = 406
    case connectionForced = 320
    case invalidPath = 402
    case frameError = 501
    case syntaxError = 502
    case commandInvalid = 503
    case channelError = 504
    case unexpectedFrame = 505
    case resourceError = 506
    case notAllowed = 530
    case notImplemented = 540
    case internalError = 541

    /// True for codes that close the whole connection (hard errors).
    public var isHardError: Bool {
        switch self {
        case .connectionForced, .invalidPath, .frameError, .syntaxError, .commandInvalid, .channelError, .unexpectedFrame, .resourceError, .notAllowed, .notImplemented, .internalError: return true
        default: return false
        }
    }

    /// The symbolic name RabbitMQ prints before a reply text, e.g. `NOT_FOUND`.
    public var symbol: String {
        switch self {
        case .replySuccess: return "REPLY_SUCCESS"
        case .contentTooLarge: return "CONTENT_TOO_LARGE"
        case .noRoute: return "NO_ROUTE"
        case .noConsumers: return "NO_CONSUMERS"
        case .accessRefused: return "ACCESS_REFUSED"
        case .notFound: return "NOT_FOUND"
        case .resourceLocked: return "RESOURCE_LOCKED"
        case .preconditionFailed: return "PRECONDITION_FAILED"
        case .connectionForced: return "CONNECTION_FORCED"
        case .invalidPath: return "INVALID_PATH"
        case .frameError: return "FRAME_ERROR"
        case .syntaxError: return "SYNTAX_ERROR"
        case .commandInvalid: return "COMMAND_INVALID"
        case .channelError: return "CHANNEL_ERROR"
        case .unexpectedFrame: return "UNEXPECTED_FRAME"
        case .resourceError: return "RESOURCE_ERROR"
        case .notAllowed: return "NOT_ALLOWED"
        case .notImplemented: return "NOT_IMPLEMENTED"
        case .internalError: return "INTERNAL_ERROR"
        }
    }
}

/// Frame-level constants of the specification.
public enum FrameConstants {
    public static let method: Int = 1
    public static let header: Int = 2
    public static let body: Int = 3
    public static let heartbeat: Int = 8
    public static let minSize: Int = 4096
    public static let end: Int = 206
}
