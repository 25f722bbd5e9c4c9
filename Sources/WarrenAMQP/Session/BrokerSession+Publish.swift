// BrokerSession+Publish.swift: basic.publish, mandatory returns and publisher confirms.
import AMQPProtocol
import NIOCore
import WarrenBroker

extension BrokerSession {
    func publish(_ content: AssembledContent, channel: UInt16) {
        guard channels[channel] != nil else { return }
        if channels[channel]!.transaction != nil {
            channels[channel]!.transaction!.publishes.append(content)
            return
        }
        store(content, channel: channel)
    }

    /// Routes and stores a message; sends `basic.return` and confirms as the channel asks.
    /// Returns when the message is stored (durable where it must be).
    @discardableResult
    func store(_ content: AssembledContent, channel: UInt16) -> EventLoopFuture<Void> {
        let exchange = content.publish.exchange.isEmpty ? Self.defaultExchangeResource : content.publish.exchange
        if let refused = refusal([(.write, "exchange", exchange)])
            ?? topicRefusal(.write, exchange: content.publish.exchange, routingKey: content.publish.routingKey) {
            let refusedFuture = broker.refuse(refused)
            whenDone(refusedFuture, channel: channel, method: .basicPublish(content.publish)) { _ in }
            return refusedFuture
        }
        var sequence: UInt64? = nil
        if channels[channel]!.confirmMode {
            sequence = channels[channel]!.nextPublishSequence
            channels[channel]!.nextPublishSequence += 1
            channels[channel]!.confirms.published(sequence!)
        }
        var content = content
        if content.header.properties.replyTo == DirectReplyTo.queue {
            guard let token = channels[channel]!.directReplyToken else {
                fail(ProtocolError(.preconditionFailed, "fast reply consumer does not exist",
                                   method: .basicPublish(content.publish)), channel: channel)
                return context.eventLoop.makeFailedFuture(BrokerError(.preconditionFailed, "no reply consumer"))
            }
            var properties = content.header.properties
            properties.replyTo = DirectReplyTo.prefix + token
            content.header = ContentHeader(bodySize: content.header.bodySize, properties: properties)
        }
        let (rawProperties, extraKeys) = Self.senderSelectedDistribution(content.header)
        let properties = content.header.properties
        var expiration: Int64?
        if let text = properties.expiration {
            switch Self.parseExpiration(text) {
            case .success(let milliseconds): expiration = milliseconds
            case .failure(let reason):
                fail(ProtocolError(.preconditionFailed, "invalid expiration '\(text)': \(reason.text)",
                                   method: .basicPublish(content.publish)), channel: channel)
                return context.eventLoop.makeFailedFuture(BrokerError(.preconditionFailed, "invalid expiration"))
            }
        }
        // The broker stamps the acceptance time.
        let message = Message(exchange: content.publish.exchange, routingKey: content.publish.routingKey,
                              properties: rawProperties, body: content.body,
                              persistent: properties.deliveryMode == 2, timestamp: 0, expiration: expiration,
                              priority: properties.priority)
        let headers = properties.headers.map(ArgumentTable.init)
        let publish = content.publish
        let method = Method.basicPublish(publish)
        let future = broker.publish(vhost: vhost, message, routingKeys: [publish.routingKey] + extraKeys,
                                    headers: headers)
        let bodyBytes = content.body.readableBytes
        publishStarted(bodyBytes: bodyBytes)
        let stored = context.eventLoop.makePromise(of: Void.self)
        future.hop(to: context.eventLoop).assumeIsolated().whenComplete { [self] result in
            publishFinished(bodyBytes: bodyBytes)
            switch result {
            case .success(let outcome):
                outcome.stored.hop(to: context.eventLoop).cascade(to: stored)
                if outcome.queueCount == 0 && publish.mandatory {
                    let returned = Method.basicReturn(.init(replyCode: ReplyCode.noRoute.rawValue, replyText: "NO_ROUTE",
                                                            exchange: publish.exchange, routingKey: publish.routingKey))
                    handler.writeContent(channel: channel, method: returned, message: message)
                }
                if let sequence { confirm(outcome.stored, sequence: sequence, channel: channel) }
            case .failure(let error):
                stored.fail(error)
                let protocolError = (error as? BrokerError).map { ProtocolError($0, method: method) }
                    ?? ProtocolError(.internalError, "\(error)", method: method)
                handler.run(handler.machine.channelFailed(channel, protocolError), context: context)
            }
            handler.flushIfIdle(context: context)
        }
        return stored.futureResult
    }

    struct ExpirationError: Error { var text: String }

    /// The `expiration` property as RabbitMQ reads it: an integer of milliseconds, at most
    /// 2^32 - 1, with RabbitMQ's reasons for what it refuses.
    static func parseExpiration(_ text: String) -> Result<Int64, ExpirationError> {
        var rest = Substring(text)
        var sign: Int64 = 1
        if let first = rest.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            rest = rest.dropFirst()
        }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return .failure(ExpirationError(text: "no_integer")) }
        let leftover = rest.dropFirst(digits.count)
        guard leftover.isEmpty else { return .failure(ExpirationError(text: "{leftover_string,\"\(leftover)\"}")) }
        guard let magnitude = Int64(digits) else { return .failure(ExpirationError(text: "{value_too_large,\(digits)}")) }
        let value = sign * magnitude
        if value < 0 { return .failure(ExpirationError(text: "{value_negative,\(value)}")) }
        if value > 4_294_967_295 { return .failure(ExpirationError(text: "{value_too_large,\(value)}")) }
        return .success(value)
    }

    /// RabbitMQ's sender-selected distribution: routing keys in the `CC` and `BCC` headers
    /// (arrays of strings) route the message too, and `BCC` is removed before it is stored.
    /// Returns the property bytes to store and the extra routing keys.
    static func senderSelectedDistribution(_ header: ContentHeader) -> (ByteBuffer, [String]) {
        guard let headers = header.properties.headers, headers["CC"] != nil || headers["BCC"] != nil else {
            return (header.rawProperties, [])
        }
        let extra = AMQPMessageFormat.keys(headers["CC"]) + AMQPMessageFormat.keys(headers["BCC"])
        guard headers["BCC"] != nil else { return (header.rawProperties, extra) }
        var properties = header.properties
        properties.headers!["BCC"] = nil
        return (ContentHeader(bodySize: header.bodySize, properties: properties).rawProperties, extra)
    }

    /// Records the outcome of `sequence`; confirms go out once per event-loop turn, so the
    /// outcomes of one group commit leave as one `basic.ack multiple`.
    private func confirm(_ stored: EventLoopFuture<Void>, sequence: UInt64, channel: UInt16) {
        stored.hop(to: context.eventLoop).assumeIsolated().whenComplete { [self] result in
            guard channels[channel] != nil else { return }
            channels[channel]!.confirms.completed(sequence, stored: (try? result.get()) != nil)
            guard !channels[channel]!.confirmFlushScheduled else { return }
            channels[channel]!.confirmFlushScheduled = true
            context.eventLoop.assumeIsolated().execute { [self] in
                guard channels[channel] != nil else { return }
                channels[channel]!.confirmFlushScheduled = false
                for confirm in channels[channel]!.confirms.takeReady() {
                    switch confirm {
                    case .ack(let tag, let multiple):
                        handler.write(channel: channel, .basicAck(.init(deliveryTag: tag, multiple: multiple)))
                    case .nack(let tag):
                        handler.write(channel: channel, .basicNack(.init(deliveryTag: tag, multiple: false, requeue: false)))
                    }
                }
                handler.flushIfIdle(context: context)
            }
        }
    }
}
