// WarrenConfiguration.swift: everything `warren serve` can be told.
import NIOCore
import WarrenAMQP

/// Configuration of one Warren node.
public struct WarrenConfiguration: Sendable {
    /// The AMQP front door.
    public var amqp = AMQPListenerConfiguration()
    /// Where durable state lives; created on start if missing.
    public var dataDirectory = "warren-data"
    /// Event loops (threads) serving connections; defaults to one per core.
    public var eventLoopThreads = System.coreCount

    public init() {}

    /// The definitions database (durable exchanges, queues, bindings), in the data directory.
    public var definitionsPath: String { dataDirectory + "/definitions.sqlite3" }
}


extension WarrenConfiguration {
    /// Address the AMQP listener binds.
    public var amqpHost: String {
        get { amqp.host }
        set { amqp.host = newValue }
    }

    /// AMQP port (0 picks a free one).
    public var amqpPort: Int {
        get { amqp.port }
        set { amqp.port = newValue }
    }

    /// Heartbeat interval offered in `connection.tune`, in seconds.
    public var heartbeatSeconds: UInt16 {
        get { amqp.connection.heartbeatSeconds }
        set { amqp.connection.heartbeatSeconds = newValue }
    }
}
