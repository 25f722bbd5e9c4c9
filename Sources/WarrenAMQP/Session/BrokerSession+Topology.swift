// BrokerSession+Topology.swift: exchange and queue methods.
import AMQPProtocol
import NIOCore
import WarrenBroker

extension BrokerSession {
    /// Carries out a method the channel state machine handed to the broker.
    func handle(_ method: Method, channel: UInt16) {
        switch method {
        case .basicAck, .basicNack, .basicReject: break  // batched with the read's publishes
        default: flushOutbox()  // the broker sees what came before first
        }
        defer {
            switch method {
            case .basicQos, .basicConsume, .basicCancel, .confirmSelect, .txSelect: publishChannelInfo(channel)
            default: break
            }
        }
        if let refused = refusal(for: method) {
            // Through the broker's loop, so the refusal comes after the replies to earlier methods.
            whenDone(broker.refuse(refused), channel: channel, method: method) { _ in }
            return
        }
        switch method {
        case .exchangeDeclare(let m): exchangeDeclare(m, method: method, channel: channel)
        case .exchangeDelete(let m):
            // Deleting what does not exist succeeds, as in RabbitMQ 3.x.
            let deleted = broker.deleteExchange(vhost: vhost, m.exchange, ifUnused: m.ifUnused).flatMapErrorThrowing { error in
                guard (error as? BrokerError)?.kind == .notFound else { throw error }
            }
            whenDone(deleted, channel: channel, method: method) { _ in
                self.reply(.exchangeDeleteOk(.init()), channel: channel, unless: m.nowait)
            }
        case .exchangeBind(let m):
            let binding = Binding(source: m.source, destination: .exchange(m.destination), routingKey: m.routingKey,
                                  arguments: ArgumentTable(m.arguments))
            whenDone(broker.bind(vhost: vhost, binding, connection: connectionID), channel: channel, method: method) { _ in
                self.reply(.exchangeBindOk(.init()), channel: channel, unless: m.nowait)
            }
        case .exchangeUnbind(let m):
            let binding = Binding(source: m.source, destination: .exchange(m.destination), routingKey: m.routingKey,
                                  arguments: ArgumentTable(m.arguments))
            whenDone(broker.unbind(vhost: vhost, binding, connection: connectionID), channel: channel, method: method) { _ in
                self.reply(.exchangeUnbindOk(.init()), channel: channel, unless: m.nowait)
            }
        case .queueDeclare(let m): queueDeclare(m, method: method, channel: channel)
        case .queueBind(let m):
            let binding = Binding(source: m.exchange, destination: .queue(m.queue), routingKey: m.routingKey,
                                  arguments: ArgumentTable(m.arguments))
            whenDone(broker.bind(vhost: vhost, binding, connection: connectionID), channel: channel, method: method) { _ in
                self.reply(.queueBindOk(.init()), channel: channel, unless: m.nowait)
            }
        case .queueUnbind(let m):
            let binding = Binding(source: m.exchange, destination: .queue(m.queue), routingKey: m.routingKey,
                                  arguments: ArgumentTable(m.arguments))
            whenDone(broker.unbind(vhost: vhost, binding, connection: connectionID), channel: channel, method: method) { _ in
                self.reply(.queueUnbindOk(.init()), channel: channel)
            }
        case .queuePurge(let m):
            whenDone(broker.purgeQueue(vhost: vhost, m.queue, connection: connectionID), channel: channel, method: method) { count in
                self.reply(.queuePurgeOk(.init(messageCount: UInt32(clamping: count))), channel: channel, unless: m.nowait)
            }
        case .queueDelete(let m):
            let future = broker.deleteQueue(vhost: vhost, m.queue, ifUnused: m.ifUnused, ifEmpty: m.ifEmpty,
                                            connection: connectionID).flatMapErrorThrowing { error -> UInt64 in
                guard (error as? BrokerError)?.kind == .notFound else { throw error }
                return 0  // a queue that does not exist is deleted already, as in RabbitMQ 3.x
            }
            whenDone(future, channel: channel, method: method) { count in
                self.reply(.queueDeleteOk(.init(messageCount: UInt32(clamping: count))), channel: channel, unless: m.nowait)
            }
        default:
            handleBasic(method, channel: channel)
        }
    }

    private func exchangeDeclare(_ m: AMQPProtocol.Exchange.Declare, method: Method, channel: UInt16) {
        guard let type = ExchangeType(rawValue: m.type) else {
            // RabbitMQ treats an unknown exchange type as a hard error, with these two texts.
            let text = m.type.isEmpty ? "invalid exchange type ''" : "unknown exchange type '\(m.type)'"
            handler.run(handler.machine.fail(ProtocolError(.commandInvalid, text, method: method)), context: context)
            return
        }
        let definition = ExchangeDefinition(name: m.exchange, type: type, durable: m.durable, autoDelete: m.autoDelete,
                                            internal: m.internal, arguments: ArgumentTable(m.arguments))
        whenDone(broker.declareExchange(vhost: vhost, definition, passive: m.passive), channel: channel, method: method) { _ in
            self.reply(.exchangeDeclareOk(.init()), channel: channel, unless: m.nowait)
        }
    }

    private func queueDeclare(_ m: AMQPProtocol.Queue.Declare, method: Method, channel: UInt16) {
        let name = m.queue.isEmpty ? Self.generatedName(prefix: "amq.gen-") : m.queue
        let definition = QueueDefinition(name: name, durable: m.durable, exclusiveOwner: m.exclusive ? connectionID : nil,
                                          autoDelete: m.autoDelete, arguments: ArgumentTable(m.arguments))
        let future = broker.declareQueue(vhost: vhost, definition, passive: m.passive, serverNamed: m.queue.isEmpty,
                                         connection: connectionID)
        whenDone(future, channel: channel, method: method) { status in
            self.reply(.queueDeclareOk(.init(queue: status.name, messageCount: UInt32(clamping: status.messageCount),
                                             consumerCount: UInt32(clamping: status.consumerCount))),
                       channel: channel, unless: m.nowait)
        }
    }

    /// A server-generated name like RabbitMQ's: prefix and 22 URL-safe base64 characters.
    static func generatedName(prefix: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return prefix + String((0..<22).map { _ in alphabet.randomElement()! })
    }
}
