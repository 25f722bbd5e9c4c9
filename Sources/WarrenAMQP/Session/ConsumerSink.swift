// ConsumerSink.swift: carries a consumer's deliveries from the broker's loop to the connection's.
import NIOCore
import WarrenBroker

/// Delivers to one AMQP consumer: hops each batch to the connection's event loop, where the
/// session writes the frames and flushes once.
final class ConsumerSink: DeliverySink, Sendable {
    let loop: any EventLoop
    let session: NIOLoopBound<BrokerSession>
    let channel: UInt16
    let consumerTag: String
    let label: ConsumerLabel?

    init(session: BrokerSession, loop: any EventLoop, channel: UInt16, consumerTag: String) {
        self.loop = loop
        self.session = NIOLoopBound(session, eventLoop: loop)
        self.channel = channel
        self.consumerTag = consumerTag
        self.label = ConsumerLabel(tag: consumerTag, channel: channel, connection: session.connectionID)
    }

    func deliver(_ deliveries: [Delivery]) {
        loop.execute { [session, channel, consumerTag] in
            session.value.write(deliveries, channel: channel, consumerTag: consumerTag)
        }
    }

    func cancelled(consumer: ConsumerID) {
        loop.execute { [session, channel, consumerTag] in
            session.value.serverCancelled(channel: channel, consumerTag: consumerTag)
        }
    }
}
