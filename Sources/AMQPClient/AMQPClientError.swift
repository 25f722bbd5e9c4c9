// AMQPClientError.swift: every way a client call can fail.

/// Why a client operation failed.
///
/// Errors that come from the server carry its reply code and text unchanged, so a caller can
/// match on `replyCode` (for example 404 NOT_FOUND after a passive declare of a missing queue).
public enum AMQPClientError: Error, Equatable, Sendable {
    /// The server closed the connection with `connection.close`.
    case connectionClosedByServer(replyCode: UInt16, replyText: String, classID: UInt16, methodID: UInt16)
    /// The server closed the channel with `channel.close`.
    case channelClosedByServer(replyCode: UInt16, replyText: String, classID: UInt16, methodID: UInt16)
    /// The connection is closed (by this client, or the socket went away).
    case connectionClosed
    /// The channel was closed by this client.
    case channelClosed
    /// The transport failed (e.g. connection reset); the text is the underlying error.
    case transportError(String)
    /// The server sent bytes that are not valid AMQP 0-9-1.
    case protocolError(String)
    /// The server sent a frame that is valid but not expected in the current state.
    case unexpectedFrame(String)
    /// A deadline passed: the handshake, or two heartbeat intervals without a byte from the server.
    case timeout(String)
    /// Every channel number the connection negotiated is in use.
    case tooManyChannels(channelMax: UInt16)
    /// The operation needs `confirmSelect()` first.
    case notInConfirmMode
    /// The server refused a published message with `basic.nack`.
    case publishNacked(deliveryTag: UInt64)
    /// The server offered no SASL mechanism this client speaks.
    case unsupportedMechanisms(String)

    /// The server's reply code, when the server closed the connection or the channel.
    public var replyCode: UInt16? {
        switch self {
        case .connectionClosedByServer(let code, _, _, _), .channelClosedByServer(let code, _, _, _):
            return code
        default:
            return nil
        }
    }

    /// The server's reply text, when the server closed the connection or the channel.
    public var replyText: String? {
        switch self {
        case .connectionClosedByServer(_, let text, _, _), .channelClosedByServer(_, let text, _, _):
            return text
        default:
            return nil
        }
    }
}
