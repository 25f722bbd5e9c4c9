// ChannelCore.swift: the state of one AMQP channel, owned by the connection's event loop.
//
// Synchronous methods are answered in order, so pending calls wait in a FIFO and each reply
// must match the head (`queue.declare` expects `queue.declare-ok`, and so on). Content
// (`basic.deliver`, `basic.get-ok`, `basic.return`) is joined by a `ContentAssembler` first.
import AMQPProtocol
import NIOCore

final class ChannelCore {
    enum State {
        case opening, open, closing
        case closed(AMQPClientError)
    }

    /// A reply: the method, plus its content for `basic.get-ok`.
    struct Reply: Sendable {
        var method: Method
        var content: ContentAssembler.Message?
    }

    /// A consumer's callbacks.
    struct Consumer {
        var onDelivery: @Sendable (AMQPDelivery) -> Void
        var onEnd: (@Sendable (AMQPConsumerEnd) -> Void)?
    }

    private struct PendingCall {
        var classID: UInt16
        var methodID: UInt16
        var alternativeMethodID: UInt16?
        var consumer: Consumer?
        var promise: EventLoopPromise<Reply>
        var serial: UInt64
        var deadline: Scheduled<Void>?
    }

    let id: UInt16
    let connection: AMQPClientHandler
    private(set) var state: State = .opening
    private var pending = CircularBuffer<PendingCall>()
    private var nextCallSerial: UInt64 = 0
    private var assembler = ContentAssembler()
    private var consumers: [String: Consumer] = [:]
    private var closePromise: EventLoopPromise<Void>?
    /// Completes when the channel ends: succeeds after a client close, fails otherwise.
    let endPromise: EventLoopPromise<Void>
    var confirms: ConfirmTracker?
    var confirmListener: (@Sendable (AMQPConfirm) -> Void)?
    var returnListener: (@Sendable (AMQPReturnedMessage) -> Void)?
    var flowListener: (@Sendable (Bool) -> Void)?
    /// The last header published, reused while the properties stay the same so that a
    /// stream of publishes encodes its properties once.
    private var lastPublishedHeader: ContentHeader?
    /// False while the server has paused this channel with `channel.flow`.
    private(set) var flowActive = true

    var eventLoop: any EventLoop { connection.eventLoop }

    init(id: UInt16, connection: AMQPClientHandler) {
        self.id = id
        self.connection = connection
        self.endPromise = connection.eventLoop.makePromise()
    }

    /// The error calls fail with when the channel cannot be used, or nil when it can.
    var unusableError: AMQPClientError? {
        switch state {
        case .opening, .open: return nil
        case .closing: return .channelClosed
        case .closed(let error): return error
        }
    }

    // MARK: calls

    /// Sends `channel.open`.
    func open() -> EventLoopFuture<Void> {
        call(.channelOpen(.init()), allowWhileOpening: true).assumeIsolated().map { _ in
            if case .opening = self.state { self.state = .open }
        }.nonisolated()
    }

    /// Sends a synchronous method and returns its reply. `consumer` is registered when a
    /// `basic.consume-ok` answers, before any delivery for it can be read.
    func call(_ method: Method, consumer: Consumer? = nil, allowWhileOpening: Bool = false) -> EventLoopFuture<Reply> {
        if let error = unusableError { return eventLoop.makeFailedFuture(error) }
        if case .opening = state, !allowWhileOpening { return eventLoop.makeFailedFuture(AMQPClientError.channelClosed) }
        let promise = eventLoop.makePromise(of: Reply.self)
        nextCallSerial += 1
        var call = PendingCall(classID: method.classID, methodID: method.methodID + 1, consumer: consumer,
                               promise: promise, serial: nextCallSerial)
        switch method {
        case .exchangeUnbind: call.methodID = 51  // RabbitMQ numbers exchange.unbind-ok 51
        case .basicGet: call.alternativeMethodID = 72  // get-ok or get-empty
        default: break
        }
        if let timeout = connection.configuration.rpcTimeout {
            let this = NIOLoopBound(self, eventLoop: eventLoop)
            let serial = call.serial
            call.deadline = eventLoop.scheduleTask(in: timeout) {
                this.value.callTimedOut(serial: serial, method: method, after: timeout)
            }
        }
        pending.append(call)
        connection.write(channel: id, method: method)
        connection.flushNow()
        return promise.futureResult
    }

    /// Sends an asynchronous method (ack, nack, reject, ...), flushed with the next batch.
    func send(_ method: Method) -> AMQPClientError? {
        if let error = unusableError { return error }
        connection.write(channel: id, method: method)
        connection.flushSoon()
        return nil
    }

    /// Sends `basic.publish` with its content; returns the sequence number in confirm mode.
    func publish(_ publish: Basic.Publish, body: ByteBuffer, properties: BasicProperties,
                 promise: EventLoopPromise<UInt64>?) -> UInt64? {
        if let error = unusableError {
            promise?.fail(error)
            return nil
        }
        if let promise, confirms == nil {
            promise.fail(AMQPClientError.notInConfirmMode)  // nothing sent: it could never be confirmed
            return nil
        }
        var header: ContentHeader
        if let last = lastPublishedHeader, last.properties == properties {
            header = last
            header.bodySize = UInt64(body.readableBytes)
        } else {
            header = ContentHeader(bodySize: UInt64(body.readableBytes), properties: properties)
            lastPublishedHeader = header
        }
        connection.writeContent(channel: id, method: .basicPublish(publish), header: header, body: body)
        connection.flushSoon()
        guard confirms != nil else { return nil }
        return confirms!.published(promise: promise)
    }

    /// Sends `channel.close` and finishes when `close-ok` arrives.
    func close(replyCode: UInt16, replyText: String) -> EventLoopFuture<Void> {
        switch state {
        case .closed:
            return eventLoop.makeSucceededVoidFuture()
        case .closing:
            return closePromise?.futureResult ?? eventLoop.makeSucceededVoidFuture()
        case .opening, .open:
            let promise = eventLoop.makePromise(of: Void.self)
            closePromise = promise
            state = .closing
            connection.write(channel: id, method: .channelClose(.init(replyCode: replyCode, replyText: replyText)))
            connection.flushNow()
            return promise.futureResult
        }
    }

    // MARK: frames in

    func frameReceived(_ frame: Frame) throws(AMQPClientError) {
        switch frame.payload {
        case .method(let method):
            if method.hasContent {
                try assembler.methodReceived(method)
            } else {
                guard assembler.isIdle else { throw .unexpectedFrame("\(method.name) inside a message's content") }
                try methodReceived(method)
            }
        case .header(let header):
            if let message = try assembler.headerReceived(header) { try contentReceived(message) }
        case .body(let body):
            if let message = try assembler.bodyReceived(body) { try contentReceived(message) }
        case .heartbeat:
            throw .unexpectedFrame("heartbeat on channel \(id)")
        }
    }

    private func methodReceived(_ method: Method) throws(AMQPClientError) {
        switch method {
        case .channelClose(let close):
            connection.write(channel: id, method: .channelCloseOk(.init()))
            connection.flushSoon()
            finish(.channelClosedByServer(replyCode: close.replyCode, replyText: close.replyText,
                                          classID: close.classId, methodID: close.methodId))
        case .channelCloseOk:
            guard case .closing = state else { throw .unexpectedFrame("channel.close-ok without channel.close") }
            finish(.channelClosed)
        case .basicAck(let ack):
            confirmReceived(AMQPConfirm(deliveryTag: ack.deliveryTag, multiple: ack.multiple, acked: true))
        case .basicNack(let nack):
            confirmReceived(AMQPConfirm(deliveryTag: nack.deliveryTag, multiple: nack.multiple, acked: false))
        case .basicCancel(let cancel):
            let consumer = consumers.removeValue(forKey: cancel.consumerTag)
            if !cancel.nowait { _ = send(.basicCancelOk(.init(consumerTag: cancel.consumerTag))) }
            consumer?.onEnd?(.cancelledByServer)
        case .channelFlow(let flow):
            flowActive = flow.active
            _ = send(.channelFlowOk(.init(active: flow.active)))
            flowListener?(flow.active)
        default:
            try replyReceived(Reply(method: method, content: nil))
        }
    }

    private func contentReceived(_ message: ContentAssembler.Message) throws(AMQPClientError) {
        switch message.method {
        case .basicDeliver(let deliver):
            guard case .open = state, let consumer = consumers[deliver.consumerTag] else { return }
            consumer.onDelivery(AMQPDelivery(
                consumerTag: deliver.consumerTag, deliveryTag: deliver.deliveryTag, redelivered: deliver.redelivered,
                exchange: deliver.exchange, routingKey: deliver.routingKey, header: message.header, body: message.body))
        case .basicReturn(let returned):
            returnListener?(AMQPReturnedMessage(
                replyCode: returned.replyCode, replyText: returned.replyText, exchange: returned.exchange,
                routingKey: returned.routingKey, header: message.header, body: message.body))
        default:
            try replyReceived(Reply(method: message.method, content: message))
        }
    }

    private func replyReceived(_ reply: Reply) throws(AMQPClientError) {
        guard let head = pending.first else {
            if case .closing = state { return }  // replies to calls failed by a local close
            throw .unexpectedFrame("\(reply.method.name) on channel \(id) with no call waiting")
        }
        let method = reply.method
        guard method.classID == head.classID,
              method.methodID == head.methodID || method.methodID == head.alternativeMethodID else {
            throw .unexpectedFrame("\(method.name) on channel \(id) does not answer the call waiting")
        }
        pending.removeFirst()
        head.deadline?.cancel()
        switch method {
        case .basicConsumeOk(let ok):
            if let consumer = head.consumer { consumers[ok.consumerTag] = consumer }
        case .basicCancelOk(let ok):
            consumers.removeValue(forKey: ok.consumerTag)?.onEnd?(.cancelledByClient)
        default:
            break
        }
        head.promise.succeed(reply)
    }

    private func confirmReceived(_ confirm: AMQPConfirm) {
        var confirm = confirm
        confirm.settledCount = confirms?.confirmReceived(confirm) ?? 0
        confirmListener?(confirm)
    }

    // MARK: end

    /// A call got no reply in time. Replies come in order, so the channel cannot be used
    /// any more: tell the server it is closed, fail everything with `timeout` and forget it
    /// (the late `close-ok` then lands on a forgotten channel and is dropped).
    private func callTimedOut(serial: UInt64, method: Method, after timeout: TimeAmount) {
        guard pending.contains(where: { $0.serial == serial }), unusableError == nil || isClosing else { return }
        let text = "no reply to \(method.name) on channel \(id) within \(timeout)"
        connection.write(channel: id, method: .channelClose(.init(replyCode: ReplyCode.replySuccess.rawValue,
                                                                   replyText: "client timeout")))
        connection.flushNow()
        finish(.timeout(text))
    }

    private var isClosing: Bool {
        if case .closing = state { return true }
        return false
    }

    /// The connection ended: fail everything.
    func connectionClosed(_ error: AMQPClientError) {
        finish(error, forget: false)
    }

    /// Marks the channel closed, fails pending work and tells consumers.
    private func finish(_ error: AMQPClientError, forget: Bool = true) {
        if case .closed = state { return }
        state = .closed(error)
        let calls = pending
        pending.removeAll()
        for call in calls {
            call.deadline?.cancel()
            call.promise.fail(error)
        }
        confirms?.failAll(error)
        let ended = consumers.values
        consumers = [:]
        for consumer in ended { consumer.onEnd?(.closed(error)) }
        closePromise?.succeed()
        closePromise = nil
        if error == .channelClosed {
            endPromise.succeed()
        } else {
            endPromise.fail(error)
        }
        if forget { connection.channelFinished(id) }
    }
}
