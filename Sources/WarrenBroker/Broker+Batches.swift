// Broker+Batches.swift: a front door hands over one read's publishes, settlements and
// delivery grants in one task, and hears the outcomes in batches.
import NIOCore

/// A front door's side of batched broker work. The broker calls `published` on its own loop
/// and `stored` on the thread that ran the fsync (the log's flusher), so `stored` for a
/// token can arrive before its `published`; implementations hop to their loop (one hop per
/// call, whatever the batch's size).
public protocol BrokerReceiver: AnyObject, Sendable {
    /// The outcomes of one batch's publishes, in the order they were given.
    func published(_ results: [PublishResult])
    /// Publishes whose storage finished: durable (`failure` nil) or failed. Called once per
    /// fsync with every token of this receiver that it covered; a token is named once per
    /// partition it waited on (`PublishResult.pendingStores`).
    func stored(_ tokens: [UInt64], failure: BrokerError?)
}

/// One `basic.publish` in a batch.
public struct PublishCommand: Sendable {
    public var message: Message
    /// The routing key followed by CC and BCC keys.
    public var routingKeys: [String]
    public var headers: ArgumentTable?
    /// The front door's name for this publish, given back in its result and `stored` calls.
    public var token: UInt64
    /// Whether `stored` should follow (confirms, transactions); otherwise nobody waits.
    public var wantsStored: Bool

    public init(message: Message, routingKeys: [String], headers: ArgumentTable?, token: UInt64, wantsStored: Bool) {
        self.message = message
        self.routingKeys = routingKeys
        self.headers = headers
        self.token = token
        self.wantsStored = wantsStored
    }
}

/// What a batch holds, run in order.
public enum BrokerCommand: Sendable {
    case publish(PublishCommand)
    /// Acks, rejects or requeues deliveries.
    case settle([DeliveryReference], Settlement)
    /// The front door wrote `count` deliveries of `consumer` and can take more.
    case grant(queue: String, consumer: ConsumerID, count: Int)
}

extension Array where Element == BrokerCommand {
    /// Hands each command to `body` in order, moved out of the array rather than copied; each
    /// slot is left holding a placeholder that owns nothing (an empty settlement). Needs the
    /// array's only reference to save anything: a shared array is copied once first.
    mutating func moveEach(_ body: (consuming BrokerCommand) -> Void) {
        withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices {
                let command = buffer.moveElement(from: index)
                buffer.initializeElement(at: index, to: .settle([], .ack))
                body(command)
            }
        }
    }
}

/// What became of one publish of a batch.
public struct PublishResult: Sendable {
    public var token: UInt64
    /// Queues the message reached (0 with `mandatory`: `basic.return`).
    public var queueCount: Int
    /// How many times `stored` will name the token: once per durable partition it went to,
    /// when `wantsStored`.
    public var pendingStores: Int
    /// Some queue refused the message (full under reject-publish, or its append failed): a
    /// confirm is a nack.
    public var rejected: BrokerError?
    /// The publish failed as a whole (no such exchange, too large): the channel closes with it.
    public var failed: BrokerError?
}

extension Broker {
    /// Runs `commands` in order in one task on the broker's loop; queues they touched
    /// dispatch once at the end, and `receiver.published` hears every publish's outcome in
    /// one call.
    public func perform(vhost: String, _ commands: consuming [BrokerCommand], receiver: any BrokerReceiver) {
        let state = self.state
        let batch = CommandBatch(commands)
        loop.execute { state.value.perform(vhost: vhost, batch.take(), receiver: receiver) }
    }
}

/// A batch's commands on their way to the broker's loop, handed over rather than shared: the
/// loop takes the only reference to the array, so running the batch moves each command out
/// of it instead of copying it (a copy retained the message's box, its routing keys and its
/// headers once more, and destroying the array released them again).
final class CommandBatch: @unchecked Sendable {
    // Sendable by hand-over: written by the front door before `execute`, taken once on the
    // broker's loop after it.
    private var commands: [BrokerCommand]

    init(_ commands: consuming [BrokerCommand]) { self.commands = commands }

    func take() -> [BrokerCommand] {
        var taken: [BrokerCommand] = []
        swap(&taken, &commands)
        return taken
    }
}
