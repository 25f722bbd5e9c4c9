// BrokerSession+Publish.swift: basic.publish, mandatory returns and publisher confirms.
import AMQPProtocol
import NIOCore
import WarrenBroker

extension BrokerSession {
    func publish(_ content: AssembledContent, channel: UInt16) {
        guard let state = channels[channel] else { return }
        if state.transaction != nil {
            state.transaction!.publishes.append(content)
            return
        }
        store(content, channel: channel, state: state)
    }

    /// Routes and stores a message; `basic.return` and confirms follow as the channel asks.
    /// `promise`, when given, completes once the message is stored (durable where it must be).
    /// `state`: the channel's, passed in because each lookup in the table retains and releases it.
    func store(_ content: AssembledContent, channel: UInt16, state: ChannelSession,
               promise: EventLoopPromise<Void>? = nil) {
        if let refused = publishRefusal(exchange: content.exchange, routingKey: content.routingKey) {
            // Through the broker's loop, after what this connection sent before.
            flushOutbox()
            let refusedFuture = broker.refuse(refused)
            if let promise { refusedFuture.cascade(to: promise) }
            whenDone(refusedFuture, channel: channel, method: .basicPublish(content.publish)) { _ in }
            return
        }
        var sequence: UInt64? = nil
        if state.confirmMode {
            sequence = state.nextPublishSequence
            state.nextPublishSequence += 1
            state.confirms.published(sequence!)
        }
        // `content`'s names and buffers are read in place (it becomes the message's box below);
        // only its decoded properties are taken into a variable. Only a direct reply-to rewrites
        // the properties, in a header of its own. The commonest header (a delivery mode at most)
        // skips the other properties' getters.
        let properties = content.basicProperties
        let plain = properties.setsAtMostDeliveryMode
        var directReplyHeader: ContentHeader?
        if !plain && properties.replyTo == DirectReplyTo.queue {
            guard let token = state.directReplyToken else {
                fail(ProtocolError(.preconditionFailed, "fast reply consumer does not exist",
                                   method: .basicPublish(content.publish)), channel: channel)
                promise?.fail(BrokerError(.preconditionFailed, "no reply consumer"))
                return
            }
            var replied = properties
            replied.replyTo = DirectReplyTo.prefix + token
            directReplyHeader = ContentHeader(bodySize: content.bodySize, properties: replied)
        }
        // Property bytes and extra routing keys when they differ from what arrived; otherwise the
        // content itself is the message's box (no second allocation, no field retained again).
        let rewritten: (properties: ByteBuffer, extraKeys: [String])? = if let directReplyHeader {
            Self.senderSelectedDistribution(directReplyHeader)
        } else if !plain && Self.mayCarryRoutingHeaders(properties) {
            Self.senderSelectedDistribution(content.header)
        } else {
            nil
        }
        var expiration: Int64?
        if !plain, let text = properties.expiration {
            switch Self.parseExpiration(text) {
            case .success(let milliseconds): expiration = milliseconds
            case .failure(let reason):
                fail(ProtocolError(.preconditionFailed, "invalid expiration '\(text)': \(reason.text)",
                                   method: .basicPublish(content.publish)), channel: channel)
                promise?.fail(BrokerError(.preconditionFailed, "invalid expiration"))
                return
            }
        }
        nextPublishToken += 1
        let token = nextPublishToken
        let bodyBytes = content.body.readableBytes
        let routingKeys: [String]
        if let extraKeys = rewritten?.extraKeys, !extraKeys.isEmpty {
            routingKeys = [content.routingKey] + extraKeys
        } else if lastRoutingKeys.count == 1 && lastRoutingKeys[0] == content.routingKey {
            routingKeys = lastRoutingKeys  // a run of publishes to one routing key allocates once
        } else {
            routingKeys = [content.routingKey]
            lastRoutingKeys = routingKeys
        }
        // The command is built where it is appended to the outbox, its message moved in. The
        // broker stamps the acceptance time.
        let persistent = properties.deliveryMode == 2
        let priority = plain ? nil : properties.priority
        let message = if let rewritten {
            Message(exchange: content.exchange, routingKey: content.routingKey, properties: rewritten.properties,
                    body: content.body, persistent: persistent, timestamp: 0, expiration: expiration, priority: priority)
        } else {
            Message(shared: content, persistent: persistent, timestamp: 0, expiration: expiration, priority: priority)
        }
        pendingPublishes.append(PendingPublish(token: token, channel: channel, generation: state.generation,
                                               bodyBytes: bodyBytes, returnable: content.mandatory ? message : nil,
                                               sequence: sequence, promise: promise))
        publishStarted(bodyBytes: bodyBytes)
        let command = BrokerCommand.publish(PublishCommand(
            message: consume message, routingKeys: consume routingKeys,
            headers: plain ? nil : properties.headers.map(ArgumentTable.init), token: token,
            wantsStored: sequence != nil || promise != nil))
        outbox.append(consume command)
        sendIfDue()
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

    /// Whether the properties have a `CC` or `BCC` header (`senderSelectedDistribution` applies).
    static func mayCarryRoutingHeaders(_ properties: BasicProperties) -> Bool {
        guard let headers = properties.headers else { return false }
        return headers["CC"] != nil || headers["BCC"] != nil
    }

    /// RabbitMQ's sender-selected distribution: routing keys in the `CC` and `BCC` headers
    /// (arrays of strings) route the message too, and `BCC` is removed before it is stored.
    /// Returns the property bytes to store and the extra routing keys.
    static func senderSelectedDistribution(_ header: ContentHeader) -> (ByteBuffer, [String]) {
        guard mayCarryRoutingHeaders(header.properties), let headers = header.properties.headers else {
            return (header.rawProperties, [])
        }
        let extra = AMQPMessageFormat.keys(headers["CC"]) + AMQPMessageFormat.keys(headers["BCC"])
        guard headers["BCC"] != nil else { return (header.rawProperties, extra) }
        var properties = header.properties
        properties.headers!["BCC"] = nil
        return (ContentHeader(bodySize: header.bodySize, properties: properties).rawProperties, extra)
    }
}
