// BrokerConfiguration.swift: what the broker core needs to know.
import NIOCore
import WarrenLog

/// Settings of the broker core.
public struct BrokerConfiguration: Sendable {
    /// Directory for queue logs and group journals.
    public var dataDirectory: String
    /// Virtual hosts that exist.
    public var virtualHosts: Set<String> = ["/"]
    /// Users that may log in from loopback addresses only (RabbitMQ's `loopback_users`).
    public var loopbackOnlyUsers: Set<String> = ["guest"]
    /// Largest message body accepted (RabbitMQ 3.10's `max_message_size` default, 128 MiB).
    public var messageSizeBytesMax = 128 * 1024 * 1024
    /// How long a delivery may stay unacknowledged before its channel is closed (RabbitMQ's
    /// `consumer_timeout`, 30 minutes); nil for no limit. Queues override it with `x-consumer-timeout`.
    public var consumerTimeoutMilliseconds: Int64? = 30 * 60 * 1000
    /// When durable queues fsync: `always` (group commit before every confirm, RabbitMQ's
    /// guarantee), `interval` (at most once per interval; confirms wait for it), or `never`
    /// (the OS decides; confirms do not wait). Transient queues never fsync.
    public var durableQueueDurability: DurabilityPolicy = .always
    /// The niceness of the flusher thread (`LogFlusher`'s `niceness`): 10 by default, so the
    /// event loops and any client on the same cores get the CPU first while an fsync runs.
    public var flusherNiceness: Int32 = 10
    /// How long consumer-group journal entries that deliveries alone made (cursor moves,
    /// delivery counts, no-ack settlements) may wait to be written, so a run of batches shares
    /// one write. Acks, rejects and requeues are written before their batch returns. A crash
    /// inside this window brings those deliveries back, not flagged `redelivered`. Zero: at the
    /// end of each batch.
    public var groupJournalWriteDelay: TimeAmount = .milliseconds(50)
    /// Segment size of queue logs.
    public var segmentBytes = LogLimits.segmentBytesDefault
    /// How often streams are checked for segments past `x-max-age`.
    public var retentionCheckInterval: TimeAmount = .seconds(10)
    /// How often message rates are sampled (RabbitMQ's management samples every 5 s).
    public var rateSampleInterval: TimeAmount = .seconds(5)
    /// Memory high watermark and disk free limit (resource alarms).
    public var resourceLimits = ResourceLimits()
    /// Where memory and disk figures come from; nil: this process and the data directory's disk.
    public var resourceProbe: (any ResourceProbe)?
    /// The clock queue logs use (tests inject a manual one).
    public var logClock: any LogClock = SystemLogClock()
    /// The file system queue logs use (tests inject faults).
    public var logFileSystem: any FileSystem = POSIXFileSystem()

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }
}

/// A queue's name and counts, as `queue.declare-ok` reports them.
public struct QueueStatus: Equatable, Sendable {
    public var name: String
    public var messageCount: UInt64
    public var consumerCount: Int
}

/// How a client settles a delivery.
public enum Settlement: Sendable {
    /// `basic.ack`.
    case ack
    /// `basic.nack`/`basic.reject` with requeue: back to the queue, delivered again first.
    case requeue
    /// `basic.nack`/`basic.reject` without requeue: dropped (dead-lettered once that exists).
    case reject
}

/// A reference to a delivery to settle: its queue, group, partition and offset.
public struct DeliveryReference: Hashable, Sendable {
    public var queue: String
    public var group: String
    public var partition: Int
    public var offset: UInt64

    public init(queue: String, group: String, partition: Int = 0, offset: UInt64) {
        self.queue = queue
        self.group = group
        self.partition = partition
        self.offset = offset
    }
}
