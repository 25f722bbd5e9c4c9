// ConnectionAction.swift: what the handler must do after an event; Equatable by construction.
import AMQPProtocol

/// The one effect the connection handler carries out for an event.
public enum ConnectionAction: Equatable, Sendable {
    /// Nothing.
    case none
    /// Write a method on a channel.
    case send(channel: UInt16, Method)
    /// Answer a wrong protocol header with ours, then close the socket.
    case rejectProtocolHeader
    /// `tune-ok` accepted: apply frame_max to the decoder and start heartbeats.
    case tuned(frameMax: UInt32, heartbeatSeconds: UInt16)
    /// Send `connection.close` and wait (bounded) for `close-ok`.
    case closeConnection(Connection.Close)
    /// Send `connection.close`, then close the socket at once: after undecodable bytes the
    /// stream cannot be trusted to carry a close-ok (RabbitMQ closes the same way).
    case closeConnectionAndDisconnect(Connection.Close)
    /// Send `connection.close-ok`, then close the socket.
    case sendCloseOkAndDisconnect
    /// Close the socket without a word (RabbitMQ does so for errors before `tune-ok`).
    case disconnect
    /// A refused login: after `failedLoginDelay`, send this `connection.close` (when the client
    /// announced `authentication_failure_close`) and close the socket; read nothing meanwhile.
    case refuseLogin(Connection.Close?)
    /// Connection is open: tell the broker which user and vhost it belongs to.
    case opened(user: String, virtualHost: String)
    /// An event on an open channel.
    case channel(UInt16, ChannelEvent)
    /// A new channel was opened: reply `open-ok`.
    case channelOpened(UInt16)
}
