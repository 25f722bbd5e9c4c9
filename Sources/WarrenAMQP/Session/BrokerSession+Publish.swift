// BrokerSession+Publish.swift: basic.publish, mandatory returns and publisher confirms.
import AMQPProtocol
import NIOCore
import WarrenBroker

extension BrokerSession {
    func publish(_ content: AssembledContent, channel: UInt16) {
        guard channels[channel] != nil else { return }
        var sequence: UInt64? = nil
        if channels[channel]!.confirmMode {
            sequence = channels[channel]!.nextPublishSequence
            channels[channel]!.nextPublishSequence += 1
        }
        let properties = content.header.properties
        let message = Message(exchange: content.publish.exchange, routingKey: content.publish.routingKey,
                              properties: content.header.rawProperties, body: content.body,
                              persistent: properties.deliveryMode == 2,
                              timestamp: Int64(NIODeadline.now().uptimeNanoseconds / 1_000_000))
        let headers = properties.headers.map(ArgumentTable.init)
        let publish = content.publish
        let method = Method.basicPublish(publish)
        let future = broker.publish(vhost: vhost, message, routingKeys: [publish.routingKey], headers: headers)
        future.hop(to: context.eventLoop).assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success(let outcome):
                if outcome.queueCount == 0 && publish.mandatory {
                    let returned = Method.basicReturn(.init(replyCode: ReplyCode.noRoute.rawValue, replyText: "NO_ROUTE",
                                                            exchange: publish.exchange, routingKey: publish.routingKey))
                    handler.writeContent(channel: channel, method: returned, message: message)
                }
                if let sequence { confirm(outcome.stored, sequence: sequence, channel: channel) }
            case .failure(let error):
                let protocolError = (error as? BrokerError).map { ProtocolError($0, method: method) }
                    ?? ProtocolError(.internalError, "\(error)", method: method)
                handler.run(handler.machine.channelFailed(channel, protocolError), context: context)
            }
            handler.flushIfIdle(context: context)
        }
    }

    private func confirm(_ stored: EventLoopFuture<Void>, sequence: UInt64, channel: UInt16) {
        stored.hop(to: context.eventLoop).assumeIsolated().whenComplete { [self] result in
            guard channels[channel] != nil else { return }
            switch result {
            case .success: handler.write(channel: channel, .basicAck(.init(deliveryTag: sequence, multiple: false)))
            case .failure: handler.write(channel: channel, .basicNack(.init(deliveryTag: sequence, multiple: false, requeue: false)))
            }
            handler.flushIfIdle(context: context)
        }
    }
}
