// AMQPDecodingError.swift: why bytes from a peer could not be decoded, and the reply code for it.

/// A peer sent bytes that are not valid AMQP 0-9-1. Every case is an operating error: the
/// connection is closed with `replyCode` and nothing is thrown past the handler.
public enum AMQPDecodingError: Error, Equatable, Sendable {
    /// A value ran past the end of its frame payload.
    case truncated(String)
    /// A short string (a name, a routing key, a table key) that is not UTF-8.
    case invalidUTF8
    /// The class/method id pair is not in the specification.
    case unknownMethod(classID: UInt16, methodID: UInt16)
    /// A known method whose arguments could not be decoded.
    case malformedMethod(classID: UInt16, methodID: UInt16, reason: String)
    /// A field-table value has a type letter RabbitMQ does not use.
    case unknownFieldType(UInt8)
    /// Field tables/arrays nested deeper than `AMQPLimits.fieldTableDepthMax`.
    case fieldTableTooDeep
    /// A frame type other than method, header, body or heartbeat.
    case unknownFrameType(UInt8)
    /// The byte after the payload is not 0xCE.
    case invalidFrameEnd(UInt8)
    /// The payload is larger than the negotiated frame_max allows.
    case frameTooLarge(size: UInt32, max: UInt32)

    /// The reply code RabbitMQ closes the connection with for this error.
    public var replyCode: ReplyCode {
        switch self {
        case .unknownMethod: return .commandInvalid
        default: return .frameError
        }
    }

    /// The class and method ids to report in `connection.close`, when a method was involved.
    public var methodIDs: (classID: UInt16, methodID: UInt16) {
        switch self {
        case .unknownMethod(let c, let m), .malformedMethod(let c, let m, _): return (c, m)
        default: return (0, 0)
        }
    }

    /// A readable explanation for the `connection.close` reply text.
    public var description: String {
        switch self {
        case .truncated(let what): return "unable to parse frame: \(what) runs past the end of the frame"
        case .unknownMethod(let classID, let methodID): return "unknown method id \(classID)/\(methodID)"
        case .malformedMethod(let classID, let methodID, let reason):
            return "cannot decode arguments of method \(classID)/\(methodID): \(reason)"
        case .invalidUTF8: return "short string is not valid UTF-8"
        case .unknownFieldType(let type): return "unknown field table value type \(type)"
        case .fieldTableTooDeep: return "field table nested deeper than \(AMQPLimits.fieldTableDepthMax) levels"
        case .unknownFrameType(let type): return "unknown frame type \(type)"
        case .invalidFrameEnd(let byte): return "frame end marker is \(byte), expected 206"
        case .frameTooLarge(let size, let max): return "frame of \(size) bytes is larger than frame_max \(max)"
        }
    }
}
