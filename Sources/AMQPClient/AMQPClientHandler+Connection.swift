// AMQPClientHandler+Connection.swift: the connection class on channel 0: handshake
// (start, tune, open), heartbeats, blocking notifications and close.
import AMQPProtocol
import NIOCore

/// A `connection.blocked` or `connection.unblocked` notification.
public enum AMQPBlockedEvent: Equatable, Sendable {
    /// The server stopped reading from this connection (e.g. a memory or disk alarm).
    case blocked(reason: String)
    /// The server reads again.
    case unblocked
}

extension AMQPClientHandler {
    /// Sends the protocol header and starts the handshake deadline.
    func start(context: ChannelHandlerContext) {
        guard state == .initial else { return }
        state = .awaitingStart
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: ProtocolHeader.amqp091)), promise: nil)
        let this = NIOLoopBound(self, eventLoop: eventLoop)
        deadlineTask = eventLoop.scheduleTask(in: configuration.handshakeTimeout) {
            let handler = this.value
            guard handler.state != .open, handler.state != .closed else { return }
            handler.shutdown(.timeout("AMQP handshake took longer than \(handler.configuration.handshakeTimeout)"))
            handler.context?.close(promise: nil)
        }
    }

    /// A method on channel 0.
    func connectionMethodReceived(_ method: Method) throws(AMQPClientError) {
        switch (state, method) {
        case (.awaitingStart, .connectionStart(let start)):
            try startReceived(start)
        case (.awaitingTune, .connectionTune(let tune)):
            tuneReceived(tune)
        case (.awaitingOpenOk, .connectionOpenOk):
            state = .open
            deadlineTask?.cancel()
            deadlineTask = nil
            handshakePromise.succeed()
        case (_, .connectionClose(let close)):
            write(channel: 0, method: .connectionCloseOk(.init()))
            flushNow()
            shutdown(.connectionClosedByServer(replyCode: close.replyCode, replyText: close.replyText,
                                               classID: close.classId, methodID: close.methodId))
            context?.close(promise: nil)
        case (.closing, .connectionCloseOk):
            cleanClose = true
            shutdown(.connectionClosed)
            context?.close(promise: nil)
        case (.open, .connectionBlocked(let blocked)), (.closing, .connectionBlocked(let blocked)):
            blockedHandler?(.blocked(reason: blocked.reason))
        case (.open, .connectionUnblocked), (.closing, .connectionUnblocked):
            blockedHandler?(.unblocked)
        case (.open, .connectionUpdateSecretOk), (.closing, _):
            return  // nothing to do; while closing, everything but close/close-ok is dropped
        default:
            throw .unexpectedFrame("\(method.name) on channel 0 in state \(state)")
        }
    }

    private func startReceived(_ start: Connection.Start) throws(AMQPClientError) {
        let mechanisms = String(decoding: start.mechanisms, as: UTF8.self)
        guard mechanisms.split(separator: " ").contains("PLAIN") else {
            throw .unsupportedMechanisms(mechanisms)
        }
        serverProperties = start.serverProperties
        let response = [0] + Array(configuration.username.utf8) + [0] + Array(configuration.password.utf8)
        let startOk = Connection.StartOk(clientProperties: configuration.clientProperties, mechanism: "PLAIN",
                                         response: response, locale: "en_US")
        write(channel: 0, method: .connectionStartOk(startOk))
        flushNow()
        state = .awaitingTune
    }

    private func tuneReceived(_ tune: Connection.Tune) {
        tuning = AMQPTuning.negotiate(server: tune, client: configuration)
        decoder.frameSizeBytesMax = tuning.frameMax == 0 ? UInt32.max : tuning.frameMax
        write(channel: 0, method: .connectionTuneOk(.init(channelMax: tuning.channelMax, frameMax: tuning.frameMax,
                                                          heartbeat: tuning.heartbeatSeconds)))
        write(channel: 0, method: .connectionOpen(.init(virtualHost: configuration.virtualHost)))
        flushNow()
        state = .awaitingOpenOk
        startHeartbeats()
    }

    // MARK: heartbeats

    /// Sends a heartbeat every negotiated interval, and closes the connection when two
    /// intervals pass without a single byte from the server.
    private func startHeartbeats() {
        guard tuning.heartbeatSeconds > 0 else { return }
        let interval = TimeAmount.seconds(Int64(tuning.heartbeatSeconds))
        let this = NIOLoopBound(self, eventLoop: eventLoop)
        receivedSinceTick = false
        heartbeatTask = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            this.value.heartbeatTick()
        }
    }

    private func heartbeatTick() {
        guard state != .closed else { return }
        silentTicks = receivedSinceTick ? 0 : silentTicks + 1
        receivedSinceTick = false
        if silentTicks >= 2 {
            shutdown(.timeout("no frame from the server for 2 heartbeat intervals (\(tuning.heartbeatSeconds) s each)"))
            context?.close(promise: nil)
            return
        }
        writeHeartbeat()
        flushNow()
    }

    // MARK: client close

    /// Sends `connection.close` and closes the socket when `close-ok` arrives (or after the
    /// handshake timeout, if it never does).
    func close(replyCode: UInt16, replyText: String) -> EventLoopFuture<Void> {
        switch state {
        case .closed, .closing:
            return closePromise.futureResult
        case .initial:
            cleanClose = true
            shutdown(.connectionClosed)
            context?.close(promise: nil)
            return closePromise.futureResult
        case .awaitingStart, .awaitingTune, .awaitingOpenOk, .open:
            break
        }
        state = .closing
        handshakePromise.fail(AMQPClientError.connectionClosed)
        for core in channels.values { core.connectionClosed(.connectionClosed) }
        channels = [:]
        write(channel: 0, method: .connectionClose(.init(replyCode: replyCode, replyText: replyText)))
        flushNow()
        let this = NIOLoopBound(self, eventLoop: eventLoop)
        deadlineTask?.cancel()
        deadlineTask = eventLoop.scheduleTask(in: configuration.handshakeTimeout) {
            let handler = this.value
            guard handler.state == .closing else { return }
            handler.shutdown(.timeout("no connection.close-ok from the server"))
            handler.context?.close(promise: nil)
        }
        return closePromise.futureResult
    }
}
