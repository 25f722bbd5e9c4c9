// ConnectionTimers.swift: handshake timeout, heartbeats both ways, close-ok timeout.
import AMQPProtocol
import Logging
import NIOCore

/// Timers of one connection, all on its event loop. Heartbeats: we send one when we have
/// sent nothing for an interval; a peer that sent nothing for two intervals is disconnected.
final class ConnectionTimers {
    private var handshake: Scheduled<Void>?
    private var closeOk: Scheduled<Void>?
    private var heartbeat: RepeatedTask?
    private var receivedSinceTick = true
    private var silentTicks = 0
    private var sentSinceTick = false

    func bytesReceived() { receivedSinceTick = true }
    func bytesSent() { sentSinceTick = true }

    func startHandshakeTimer(context: ChannelHandlerContext, handler: AMQPConnectionHandler, seconds: Int64) {
        let bound = NIOLoopBound((handler, context), eventLoop: context.eventLoop)
        handshake = context.eventLoop.scheduleTask(in: .seconds(seconds)) {
            let (handler, context) = bound.value
            handler.logger.info("handshake timeout: closing connection")
            handler.closeReason = "handshake timeout"
            handler.run(handler.machine.timedOut(), context: context)
        }
    }

    func cancelHandshakeTimer() {
        handshake?.cancel()
        handshake = nil
    }

    func startCloseOkTimer(context: ChannelHandlerContext, handler: AMQPConnectionHandler, seconds: Int64) {
        let bound = NIOLoopBound((handler, context), eventLoop: context.eventLoop)
        closeOk = context.eventLoop.scheduleTask(in: .seconds(seconds)) {
            let (handler, context) = bound.value
            handler.run(handler.machine.timedOut(), context: context)
        }
    }

    /// Heartbeats tick every interval: send when idle, and count intervals of silence.
    func startHeartbeats(context: ChannelHandlerContext, handler: AMQPConnectionHandler, seconds: UInt16) {
        guard seconds > 0 else { return }
        let interval = TimeAmount.seconds(Int64(seconds))
        let bound = NIOLoopBound((self, handler, context), eventLoop: context.eventLoop)
        heartbeat = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let (timers, handler, context) = bound.value
            timers.tick(handler: handler, context: context, seconds: seconds)
        }
    }

    private func tick(handler: AMQPConnectionHandler, context: ChannelHandlerContext, seconds: UInt16) {
        silentTicks = receivedSinceTick ? 0 : silentTicks + 1
        receivedSinceTick = false
        if silentTicks >= 2 {
            handler.logger.info("missed heartbeats from client, timeout: \(seconds)s")
            handler.closeReason = "missed heartbeats from the client (timeout \(seconds) s)"
            handler.run(handler.machine.timedOut(), context: context)
            return
        }
        if !sentSinceTick {
            var beat = context.channel.allocator.buffer(capacity: 8)
            beat.writeAMQPHeartbeat()
            context.writeAndFlush(NIOAny(beat), promise: nil)
        }
        sentSinceTick = false
    }

    func cancelAll() {
        handshake?.cancel()
        closeOk?.cancel()
        heartbeat?.cancel()
        handshake = nil
        closeOk = nil
        heartbeat = nil
    }
}
