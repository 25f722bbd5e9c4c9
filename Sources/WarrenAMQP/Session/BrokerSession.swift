// BrokerSession.swift: one connection's side of the broker: AMQP methods become broker calls.
import AMQPProtocol
import DequeModule
import NIOCore
import WarrenBroker

/// Carries out broker methods for one connection, on the connection's event loop. Replies
/// are written in the order the methods arrived: every broker call completes on the broker's
/// loop in order and hops back here in order.
final class BrokerSession {
    let broker: Broker
    let connectionID: ConnectionID
    let vhost: String
    /// The user who logged in; every method is checked against their permissions.
    let user: String
    /// The user directory as of the last channel.open: like RabbitMQ's per-channel permission
    /// cache, a change reaches a connection's channels opened after it, and checks take no lock.
    var directory: UserDirectory {
        didSet { publishAllowed = nil }
    }
    /// The exchange and routing key of the last publish the user's permissions allowed: a run of
    /// publishes to the same place is checked once (cleared whenever `directory` changes).
    var publishAllowed: (exchange: String, routingKey: String)?
    /// The permission patterns this connection has compiled.
    let patterns = PatternCache()
    /// Strong: the handler holds the session and drops it when the connection closes
    /// (`channelInactive`), which ends the cycle. An `unowned` reference cost an atomic
    /// operation on every use (`swift_unownedRetainStrong`, 1.5% of the loop on a16), and would
    /// trap where a late broker callback finds the handler gone.
    let handler: AMQPConnectionHandler
    let context: ChannelHandlerContext
    var channels = ChannelTable<ChannelSession>()
    private var nextConsumerNumber: UInt64 = 0
    /// The window cost of deliveries written per consumer and not yet granted back to the
    /// broker (flow control: granted once the socket is writable, see
    /// `BrokerLimits.consumerWindow`).
    var pendingGrants: [DeliveryGrantKey: Int] = [:]
    /// Publishes handed to the broker and not yet stored, and their body bytes; the socket is
    /// not read while they are over the connection's limits (see BrokerSession+Flow.swift).
    var publishesInFlight = 0
    var publishBytesInFlight = 0
    var readingPaused = false
    /// A resource alarm is in effect (memory or disk); see `resourceAlarm`.
    var alarmBlocked = false
    var hasPublished = false
    /// Whether the socket is not being read now (either reason).
    var socketHeld = false
    /// Commands for the broker collected during this read (see BrokerOutbox.swift).
    var outbox: [BrokerCommand] = []
    /// Publishes sent whose outcome has not come back, in the order sent.
    var pendingPublishes: Deque<PendingPublish> = []
    /// Routed publishes waiting for fsyncs, by token.
    var awaitingStore = AwaitingStores()
    /// Stores heard before their publish's outcome, by token (`BrokerReceiver.stored` can come
    /// first): how many partitions, and whether one failed.
    var earlyStores: [UInt64: (count: Int, failed: Bool)] = [:]
    var nextPublishToken: UInt64 = 0
    /// The last publish's routing keys when it had no CC or BCC: the next publish with the same
    /// routing key shares the array instead of allocating one.
    var lastRoutingKeys: [String] = []
    var nextChannelGeneration: UInt64 = 0
    lazy var receiver = SessionReceiver(session: self, loop: context.eventLoop)
    /// The next consumer-timeout check (see BrokerSession+AckTimeout.swift).
    var ackTimeoutCheck: (at: NIODeadline, task: Scheduled<Void>)?

    init(broker: Broker, connectionID: ConnectionID, vhost: String, user: String, handler: AMQPConnectionHandler,
         context: ChannelHandlerContext) {
        self.broker = broker
        self.connectionID = connectionID
        self.vhost = vhost
        self.user = user
        self.directory = broker.userDirectory
        self.handler = handler
        self.context = context
    }

    /// Runs `onSuccess` with the broker's answer back on this loop, or closes the channel with
    /// the broker's error.
    func whenDone<T: Sendable>(_ future: EventLoopFuture<T>, channel: UInt16, method: Method,
                               _ onSuccess: @escaping (T) -> Void) {
        future.hop(to: context.eventLoop).assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success(let value):
                onSuccess(value)
            case .failure(let error):
                let protocolError = (error as? BrokerError).map { ProtocolError($0, method: method) }
                    ?? ProtocolError(.internalError, "\(error)", method: method)
                handler.run(handler.machine.channelFailed(channel, protocolError), context: context)
            }
            handler.flushIfIdle(context: context)
        }
    }

    /// Writes a reply unless the client asked for none.
    func reply(_ method: Method, channel: UInt16, unless nowait: Bool = false) {
        if !nowait { handler.write(channel: channel, method) }
    }

    func fail(_ error: ProtocolError, channel: UInt16) {
        handler.run(handler.machine.channelFailed(channel, error), context: context)
    }

    func newConsumerID() -> ConsumerID {
        nextConsumerNumber += 1
        return connectionID << 24 | nextConsumerNumber
    }

    /// A channel opened.
    func channelOpened(_ channel: UInt16) {
        nextChannelGeneration += 1
        channels[channel] = ChannelSession(generation: nextChannelGeneration)
        directory = broker.userDirectory
    }

    /// A channel closed: its consumers end and its unacknowledged deliveries go back.
    func channelClosed(_ channel: UInt16) {
        flushOutbox()
        guard let state = channels.removeValue(forKey: channel) else { return }
        if let token = state.directReplyToken { broker.unregisterDirectReply(token: token) }
        for consumer in state.consumers.values where consumer.queue != DirectReplyTo.queue {
            _ = broker.cancel(vhost: vhost, queue: consumer.queue, consumer: consumer.id)
        }
        let references = state.unsettledReferences
        if !references.isEmpty { send(.settle(references, .requeue)) }
        flushOutbox()
    }

    /// The connection closed: every channel closes, exclusive queues go.
    func connectionClosed() {
        flushOutbox()
        ackTimeoutCheck?.task.cancel()
        ackTimeoutCheck = nil
        var consumers: [(queue: String, ConsumerID)] = []
        var references: [DeliveryReference] = []
        for state in channels.values {
            if let token = state.directReplyToken { broker.unregisterDirectReply(token: token) }
            consumers += state.consumers.values.filter { $0.queue != DirectReplyTo.queue }.map { (queue: $0.queue, $0.id) }
            references += state.unsettledReferences
        }
        channels = [:]
        if !references.isEmpty { send(.settle(references, .requeue)) }
        flushOutbox()
        broker.connectionClosed(connectionID, vhost: vhost, consumers: consumers)
        receiver.reference.value.session = nil  // outcomes still due find no session
    }
}

/// A consumer of a queue, whose delivery window the session refills.
struct DeliveryGrantKey: Hashable {
    var queue: String
    var consumer: ConsumerID
}
