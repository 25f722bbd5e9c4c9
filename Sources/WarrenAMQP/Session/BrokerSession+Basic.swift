// BrokerSession+Basic.swift: qos, consume, get, acks, confirms.
import AMQPProtocol
import NIOCore
import WarrenBroker

extension BrokerSession {
    func handleBasic(_ method: Method, channel: UInt16) {
        switch method {
        case .basicQos(let m): qos(m, method: method, channel: channel)
        case .basicConsume(let m): consume(m, method: method, channel: channel)
        case .basicCancel(let m):
            guard let consumer = channels[channel]?.consumers.removeValue(forKey: m.consumerTag) else {
                reply(.basicCancelOk(.init(consumerTag: m.consumerTag)), channel: channel, unless: m.nowait)
                return
            }
            if consumer.queue == DirectReplyTo.queue, let token = channels[channel]?.directReplyToken {
                broker.unregisterDirectReply(token: token)
                channels[channel]?.directReplyToken = nil
                reply(.basicCancelOk(.init(consumerTag: m.consumerTag)), channel: channel, unless: m.nowait)
                return
            }
            whenDone(broker.cancel(vhost: vhost, queue: consumer.queue, consumer: consumer.id), channel: channel,
                     method: method) { _ in
                self.reply(.basicCancelOk(.init(consumerTag: m.consumerTag)), channel: channel, unless: m.nowait)
            }
        case .basicGet(let m): get(m, method: method, channel: channel)
        case .basicAck(let m): settle(tag: m.deliveryTag, multiple: m.multiple, .ack, method: method, channel: channel)
        case .basicNack(let m):
            settle(tag: m.deliveryTag, multiple: m.multiple, m.requeue ? .requeue : .reject, method: method, channel: channel)
        case .basicReject(let m):
            settle(tag: m.deliveryTag, multiple: false, m.requeue ? .requeue : .reject, method: method, channel: channel)
        case .basicRecover, .basicRecoverAsync:
            // Redeliver every unacknowledged message (RabbitMQ requeues whatever `requeue` says).
            let references = channels[channel]?.unacked.map(\.reference) ?? []
            channels[channel]?.unacked.removeAll()
            if !references.isEmpty { send(.settle(references, .requeue)) }
            if case .basicRecover = method { reply(.basicRecoverOk(.init()), channel: channel) }
        case .confirmSelect(let m):
            if channels[channel]?.transaction != nil {
                fail(ProtocolError(.preconditionFailed, "cannot switch from tx to confirm mode", method: method),
                     channel: channel)
                return
            }
            channels[channel]?.confirmMode = true
            reply(.confirmSelectOk(.init()), channel: channel, unless: m.nowait)
        case .txSelect, .txCommit, .txRollback:
            handleTransaction(method, channel: channel)
        default:
            handler.run(handler.machine.fail(ProtocolError(.notImplemented, "\(method.name) is not implemented yet",
                                                           method: method)), context: context)
        }
    }

    /// `basic.qos` as RabbitMQ reads `global`: false sets the limit of each consumer started
    /// afterwards; true sets one limit shared by all the channel's consumers, at once.
    private func qos(_ m: Basic.Qos, method: Method, channel: UInt16) {
        guard let state = channels[channel] else { return }
        guard m.prefetchSize == 0 else {
            fail(ProtocolError(.notImplemented, "prefetch_size!=0 (\(m.prefetchSize))", method: method), channel: channel)
            return
        }
        guard m.global else {
            channels[channel]?.prefetchCount = Int(m.prefetchCount)
            reply(.basicQosOk(.init()), channel: channel)
            return
        }
        let future = broker.setChannelPrefetch(state.channelPrefetch, vhost: vhost, limit: Int(m.prefetchCount))
        whenDone(future, channel: channel, method: method) { _ in
            self.reply(.basicQosOk(.init()), channel: channel)
        }
    }

    private func consume(_ m: Basic.Consume, method: Method, channel: UInt16) {
        guard let state = channels[channel] else { return }
        let tag = m.consumerTag.isEmpty ? Self.generatedName(prefix: "amq.ctag-") : m.consumerTag
        if state.consumers[tag] != nil {
            handler.run(handler.machine.fail(ProtocolError(.notAllowed, "attempt to reuse consumer tag '\(tag)'",
                                                           method: method)), context: context)
            return
        }
        let id = newConsumerID()
        let sink = ConsumerSink(session: self, loop: context.eventLoop, channel: channel, consumerTag: tag)
        if m.queue == DirectReplyTo.queue {
            guard m.noAck else {
                fail(ProtocolError(.preconditionFailed, "reply consumer cannot acknowledge", method: method), channel: channel)
                return
            }
            let token = Self.generatedName(prefix: "")
            state.consumers[tag] = .init(queue: m.queue, id: id, noAck: true, waitingForConsumeOk: nil)
            state.directReplyToken = token
            channels[channel] = state
            broker.registerDirectReply(token: token, consumer: id, sink: sink)
            reply(.basicConsumeOk(.init(consumerTag: tag)), channel: channel, unless: m.nowait)
            return
        }
        let group: String?
        let start: StreamOffset?
        let priority: Int
        do {
            (group, start) = try Self.groupArguments(m.arguments)
            priority = try Self.priorityArgument(m.arguments, queue: m.queue, vhost: vhost)
        } catch {
            fail(ProtocolError(error, method: method), channel: channel)
            return
        }
        state.consumers[tag] = .init(queue: m.queue, id: id, noAck: m.noAck)
        channels[channel] = state
        let future = broker.consume(vhost: vhost, queue: m.queue, consumer: id, group: group, start: start,
                                    noAck: m.noAck, exclusive: m.exclusive, prefetch: state.prefetchCount,
                                    priority: priority, channelPrefetch: state.channelPrefetch,
                                    sink: sink, connection: connectionID)
        future.hop(to: context.eventLoop).assumeIsolated().whenFailure { [self] _ in
            channels[channel]?.consumers[tag] = nil
        }
        whenDone(future, channel: channel, method: method) { _ in
            self.reply(.basicConsumeOk(.init(consumerTag: tag)), channel: channel, unless: m.nowait)
            let early = self.channels[channel]?.consumers[tag]?.waitingForConsumeOk ?? []
            self.channels[channel]?.consumers[tag]?.waitingForConsumeOk = nil
            if !early.isEmpty { self.write(early, channel: channel, consumerTag: tag) }
        }
    }

    private func get(_ m: Basic.Get, method: Method, channel: UInt16) {
        let future = broker.get(vhost: vhost, queue: m.queue, noAck: m.noAck, consumer: newConsumerID(),
                                connection: connectionID)
        whenDone(future, channel: channel, method: method) { result in
            guard let (delivery, remaining) = result, self.channels.contains(channel) else {
                self.reply(.basicGetEmpty(.init()), channel: channel)
                return
            }
            let tag = self.channels[channel]!.takeDeliveryTag()
            if !m.noAck {
                self.trackUnacked(delivery, tag: tag, channel: channel)
            }
            var message = delivery.message
            if let previous = delivery.previousDeliveries {
                message.properties = AMQPMessageFormat.withDeliveryCount(message.properties, previous)
            }
            let getOk = Method.basicGetOk(.init(deliveryTag: tag, redelivered: delivery.redelivered,
                                                exchange: message.exchange, routingKey: message.routingKey,
                                                messageCount: UInt32(clamping: remaining)))
            self.handler.writeContent(channel: channel, method: getOk, message: message)
        }
    }

    private func settle(tag: UInt64, multiple: Bool, _ settlement: Settlement, method: Method, channel: UInt16) {
        guard channels.contains(channel) else { return }
        guard let taken = channels[channel]!.takeUnacked(tag: tag, multiple: multiple) else {
            fail(ProtocolError(.preconditionFailed, "unknown delivery tag \(tag)", method: method), channel: channel)
            return
        }
        let references = taken.map(\.reference)
        if channels[channel]!.transaction != nil {
            channels[channel]!.transaction!.settlements.append((references, settlement, taken))
            return
        }
        if !references.isEmpty { send(.settle(references, settlement)) }
    }

    /// Writes deliveries for a consumer, flushing once.
    func write(_ deliveries: [Delivery], channel: UInt16, consumerTag: String) {
        guard channels[channel]?.consumers[consumerTag] != nil else {
            // The consumer or channel went away while these were on their way: give them back.
            send(.settle(deliveries.map(\.reference), .requeue))
            return
        }
        if channels[channel]!.consumers[consumerTag]!.waitingForConsumeOk != nil {
            channels[channel]!.consumers[consumerTag]!.waitingForConsumeOk! += deliveries
            return
        }
        let consumer = channels[channel]!.consumers[consumerTag]!
        let noAck = consumer.noAck
        let grantKey = DeliveryGrantKey(queue: consumer.queue, consumer: consumer.id)
        var windowCost = 0
        // Looked up once: each lookup in the table retains and releases the channel's state.
        let state = channels[channel]!
        handler.reserveOutput(Self.outputBytes(of: deliveries, consumerTag: consumerTag,
                                               frameSizeBytesMax: handler.machine.frameMax))
        // By index, reading each delivery in place: a copy per delivery would retain its
        // message's buffers and names again.
        for index in deliveries.indices {
            // A write that fails closes the connection, and with it every channel of the session:
            // the deliveries not written yet go back to their queue (no-ack ones are settled).
            guard channels.contains(channel) else {
                if !noAck { send(.settle(deliveries[index...].map(\.reference), .requeue)) }
                return
            }
            let tag = state.takeDeliveryTag()
            if !noAck {
                trackUnacked(deliveries[index], tag: tag, channel: channel)
            }
            // The message's own properties unless a delivery count is added (no copy of them).
            let properties = deliveries[index].previousDeliveries.map {
                AMQPMessageFormat.withDeliveryCount(deliveries[index].message.properties, $0)
            }
            handler.writeDelivery(channel: channel, consumerTag: consumerTag, deliveryTag: tag,
                                  redelivered: deliveries[index].redelivered, message: deliveries[index].message,
                                  properties: properties)
            windowCost += BrokerLimits.deliveryCost(bodyBytes: deliveries[index].message.body.readableBytes)
        }
        // Flushing may find the socket gone and close the session's channels at once: the key
        // was taken before, and a closed connection grants nothing.
        handler.flushIfIdle(context: context)
        guard context.channel.isActive else { return }
        pendingGrants[grantKey, default: 0] += windowCost
        if context.channel.isWritable { grantDeliveries() }
    }

    /// Bytes the deliveries take as frames, at least (a delivery count added to the properties
    /// makes them longer: then the output grows as they are written).
    static func outputBytes(of deliveries: [Delivery], consumerTag: String, frameSizeBytesMax: UInt32) -> Int {
        let tagBytes = consumerTag.utf8.count
        var bytes = 0
        for index in deliveries.indices {
            bytes += ByteBuffer.amqpDeliverySize(
                consumerTagBytes: tagBytes, exchangeBytes: deliveries[index].message.exchange.utf8.count,
                routingKeyBytes: deliveries[index].message.routingKey.utf8.count,
                propertiesBytes: deliveries[index].message.properties.readableBytes,
                bodyBytes: deliveries[index].message.body.readableBytes, frameSizeBytesMax: frameSizeBytesMax)
        }
        return bytes
    }

    /// Gives the broker back the window of deliveries written since the last grant; called
    /// when they are written and the socket can take more (else on writability).
    func grantDeliveries() {
        guard !pendingGrants.isEmpty else { return }
        for (key, count) in pendingGrants {
            send(.grant(queue: key.queue, consumer: key.consumer, count: count))
        }
        pendingGrants.removeAll(keepingCapacity: true)
    }

    /// The queue was deleted: tell the client its consumer is gone (consumer_cancel_notify).
    func serverCancelled(channel: UInt16, consumerTag: String) {
        guard channels[channel]?.consumers.removeValue(forKey: consumerTag) != nil else { return }
        publishChannelInfo(channel)
        handler.write(channel: channel, .basicCancel(.init(consumerTag: consumerTag, nowait: true)))
        handler.flushIfIdle(context: context)
    }
}

extension BrokerSession {
    /// Reads `x-priority` (an integer of any width; 0 when absent), RabbitMQ's consumer priority.
    static func priorityArgument(_ arguments: FieldTable, queue: String, vhost: String) throws(BrokerError) -> Int {
        guard let value = arguments["x-priority"] else { return 0 }
        switch value {
        case .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64: break
        default:
            throw BrokerError(.preconditionFailed, "invalid arg 'x-priority' for queue '\(queue)' in vhost '\(vhost)': {unacceptable_type,\(value.rabbitTypeName)}")
        }
        return Int(clamping: value.integer ?? 0)
    }

    /// Reads `x-consumer-group` and `x-stream-offset` from `basic.consume` arguments.
    static func groupArguments(_ arguments: FieldTable) throws(BrokerError) -> (String?, StreamOffset?) {
        var group: String? = nil
        if let value = arguments["x-consumer-group"] {
            guard let name = value.string, !name.isEmpty, name.utf8.count <= 255 else {
                throw BrokerError(.preconditionFailed, "x-consumer-group must be a non-empty string of at most 255 bytes")
            }
            group = name
        }
        guard let value = arguments["x-stream-offset"] else { return (group, nil) }
        switch value {
        case .longString:
            switch value.string {
            case "first": return (group, .first)
            case "last": return (group, .last)
            case "next": return (group, .next)
            default: throw BrokerError(.preconditionFailed, "Invalid x-stream-offset: \(value.string ?? "")")
            }
        case .timestamp(let seconds):
            // AMQP timestamps are seconds since the epoch.
            return (group, .timestamp(Int64(seconds) * 1000))
        default:
            guard let offset = value.integer, offset >= 0 else {
                throw BrokerError(.preconditionFailed, "Invalid x-stream-offset: \(value)")
            }
            return (group, .offset(UInt64(offset)))
        }
    }
}
