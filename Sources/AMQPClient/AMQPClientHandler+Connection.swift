// AMQPClientHandler+Connection.swift: runs the actions of the connection state machine:
// handshake writes, timers (handshake deadline, heartbeats, close deadline) and closing.
import AMQPProtocol
import NIOCore

extension AMQPClientHandler {
    /// Carries out one action of `ConnectionStateMachine`. The only place channel-0 frames
    /// are written and the socket is closed.
    func run(_ action: ConnectionStateMachine.Action) {
        switch action {
        case .none:
            return
        case .sendProtocolHeader:
            context?.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: ProtocolHeader.amqp091)), promise: nil)
            deadlineTask = schedule(after: configuration.handshakeTimeout) { $0.handshakeTimedOut() }
        case .send(let methods):
            for method in methods { write(channel: 0, method: method) }
            flushNow()
        case .tuned(let tuning, let methods):
            decoder.frameSizeBytesMax = tuning.frameMax == 0 ? UInt32.max : tuning.frameMax
            for method in methods { write(channel: 0, method: method) }
            flushNow()
            startHeartbeats(seconds: tuning.heartbeatSeconds)
        case .handshakeCompleted:
            deadlineTask?.cancel()
            deadlineTask = nil
            handshakePromise.succeed()
        case .notifyBlocked(let event):
            blockedHandler?(event)
        case .sendHeartbeat:
            writeHeartbeat()
            flushNow()
        case .fail(let error, let method):
            if let method {
                write(channel: 0, method: method)
                flushNow()
            }
            shutdown(error)
            context?.close(promise: nil)
        case .closeCleanly:
            cleanClose = true
            shutdown(.connectionClosed)
            context?.close(promise: nil)
        }
    }

    /// Runs `event` on the state machine after `delay`, then runs the resulting action.
    private func schedule(after delay: TimeAmount,
                          _ event: @escaping (inout ConnectionStateMachine) -> ConnectionStateMachine.Action) -> Scheduled<Void> {
        let this = NIOLoopBound(self, eventLoop: eventLoop)
        let event = NIOLoopBound(event, eventLoop: eventLoop)
        return eventLoop.scheduleTask(in: delay) {
            let handler = this.value
            handler.run(event.value(&handler.machine))
        }
    }

    /// Ticks every negotiated interval: each tick sends a heartbeat, and the second tick in a
    /// row without a byte from the server closes the connection.
    private func startHeartbeats(seconds: UInt16) {
        guard seconds > 0 else { return }
        let interval = TimeAmount.seconds(Int64(seconds))
        let this = NIOLoopBound(self, eventLoop: eventLoop)
        heartbeatTask = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let handler = this.value
            handler.run(handler.machine.heartbeatTick())
        }
    }

    /// Sends `connection.close` and closes the socket when `close-ok` arrives (or after the
    /// handshake timeout, if it never does). Pending calls fail with `connectionClosed`.
    func close(replyCode: UInt16, replyText: String) -> EventLoopFuture<Void> {
        let action = machine.closeRequested(replyCode: replyCode, replyText: replyText)
        guard action != .none else { return closePromise.futureResult }
        handshakePromise.fail(AMQPClientError.connectionClosed)
        failChannels(.connectionClosed)
        run(action)
        if case .send = action {
            deadlineTask?.cancel()
            deadlineTask = schedule(after: configuration.handshakeTimeout) { $0.closeTimedOut() }
        }
        return closePromise.futureResult
    }
}
