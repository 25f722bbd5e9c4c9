// ProtocolError.swift: an AMQP error as a reply code, RabbitMQ-style text and the method at fault.
import AMQPProtocol

/// An error reported to the peer with `connection.close` (hard) or `channel.close` (soft).
/// `text` is the full reply text, starting with the code's symbol as RabbitMQ writes it
/// (`NOT_FOUND - no queue 'q' in vhost '/'`).
public struct ProtocolError: Error, Equatable, Sendable {
    public var code: ReplyCode
    public var text: String
    public var classID: UInt16
    public var methodID: UInt16

    public init(_ code: ReplyCode, _ detail: String, classID: UInt16 = 0, methodID: UInt16 = 0) {
        self.code = code
        self.text = "\(code.symbol) - \(detail)"
        self.classID = classID
        self.methodID = methodID
    }

    public init(_ code: ReplyCode, _ detail: String, method: Method) {
        self.init(code, detail, classID: method.classID, methodID: method.methodID)
    }

    /// The error for bytes the codec could not decode.
    public init(decoding error: AMQPDecodingError) {
        let ids = error.methodIDs
        self.init(error.replyCode, error.description, classID: ids.classID, methodID: ids.methodID)
    }

    /// RabbitMQ caps reply texts at 255 bytes (a short string); so do we.
    var shortText: String {
        var cut = text
        while cut.utf8.count > 255 { cut.removeLast() }
        return cut
    }

    /// The `connection.close` that reports this error.
    public var connectionClose: Connection.Close {
        .init(replyCode: code.rawValue, replyText: shortText, classId: classID, methodId: methodID)
    }

    /// The `channel.close` that reports this error.
    public var channelClose: Channel.Close {
        .init(replyCode: code.rawValue, replyText: shortText, classId: classID, methodId: methodID)
    }
}
