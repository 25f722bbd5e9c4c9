// QueueHost.swift: what a queue needs from the broker around it.
import NIOCore

/// The broker state seen from one queue: the time, and the exchanges a dead-lettered copy is
/// routed through.
protocol QueueHost: AnyObject {
    /// Milliseconds since the Unix epoch, by the broker's clock.
    var nowMilliseconds: Int64 { get }
    /// Routes a dead-lettered copy of `message` from `queue`; the future completes once the
    /// copy is stored wherever it went (at once when it went nowhere), and fails when it could
    /// not be stored.
    func deadLetter(_ message: Message, from queue: QueueRuntime, reason: DeathReason) -> EventLoopFuture<Void>
    /// The consumer timeout of queues that set none (ms), nil for none.
    var defaultConsumerTimeout: Int64? { get }
    /// The loop timers run on.
    var loop: any EventLoop { get }
    /// A partition's journal buffered entries: write them before the loop turn ends.
    func journalHasPendingWrites(_ partition: QueuePartition)
    /// The queue stayed unused for its `x-expires`: delete it.
    func queueUnused(_ queue: QueueRuntime)
}

/// The holder of offsets being dead-lettered: no consumer has this id.
let deadLetteringHolder: ConsumerID = 0
