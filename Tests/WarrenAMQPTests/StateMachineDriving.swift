import AMQPProtocol
import NIOCore
import WarrenAMQP

/// Builds state machines in a given state through their public events only.
enum Drive {
    static let plainGuest = Connection.StartOk(
        clientProperties: ["capabilities": .table(["authentication_failure_close": true])],
        mechanism: "PLAIN", response: Array("\0guest\0guest".utf8), locale: "en_US")

    static func method(_ method: Method, channel: UInt16 = 0) -> Frame {
        Frame(channel: channel, payload: .method(method))
    }

    static func awaitingStartOk() -> ConnectionStateMachine {
        var machine = ConnectionStateMachine(configuration: .init(), peerIsLoopback: true)
        _ = machine.protocolHeaderReceived(.accepted)
        return machine
    }

    static func awaitingTuneOk() -> ConnectionStateMachine {
        var machine = awaitingStartOk()
        _ = machine.frameReceived(method(.connectionStartOk(plainGuest)))
        return machine
    }

    static func awaitingOpen() -> ConnectionStateMachine {
        var machine = awaitingTuneOk()
        _ = machine.frameReceived(method(.connectionTuneOk(.init(channelMax: 2047, frameMax: 131_072, heartbeat: 60))))
        return machine
    }

    static func open() -> ConnectionStateMachine {
        var machine = awaitingOpen()
        _ = machine.frameReceived(method(.connectionOpen(.init(virtualHost: "/"))))
        return machine
    }

    /// An open connection with channel 1 open.
    static func openChannel() -> ConnectionStateMachine {
        var machine = open()
        _ = machine.frameReceived(method(.channelOpen(.init()), channel: 1))
        return machine
    }

    /// An open connection that has sent `connection.close` and awaits close-ok.
    static func closing() -> ConnectionStateMachine {
        var machine = openChannel()
        _ = machine.fail(ProtocolError(.internalError, "test"))
        return machine
    }

    static let publish = Method.basicPublish(.init(exchange: "", routingKey: "q"))
    static func header(bodySize: UInt64, classID: UInt16 = 60) -> Frame {
        var header = ContentHeader(bodySize: bodySize, properties: .init())
        header.classID = classID
        return Frame(channel: 1, payload: .header(header))
    }
    static func body(_ text: String) -> Frame { Frame(channel: 1, payload: .body(ByteBuffer(string: text))) }
}

extension ConnectionAction {
    /// The reply code of a `connection.close` action, if it is one.
    var closeCode: UInt16? {
        if case .closeConnection(let close) = self { return close.replyCode }
        return nil
    }

    var closeText: String? {
        if case .closeConnection(let close) = self { return close.replyText }
        return nil
    }

    /// The reply code of a `channel.close` sent by this action, if it is one.
    var channelCloseCode: UInt16? {
        if case .send(_, .channelClose(let close)) = self { return close.replyCode }
        return nil
    }
}
