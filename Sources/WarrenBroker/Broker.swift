// Broker.swift: the broker core's entry point for front doors.
import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import SystemPackage
import WarrenLog

/// The broker: virtual hosts, exchanges, queues on partition logs, consumers.
///
/// Every piece of state lives on `loop` and is touched only there (see docs/threading.md);
/// each method hops to it and returns a future completed there. Front doors hop back to
/// their own loop.
public final class Broker: Sendable {
    public let configuration: BrokerConfiguration
    /// The event loop that owns the broker's state.
    public let loop: any EventLoop
    let state: NIOLoopBoundBox<BrokerState>
    let flusher: LogFlusher
    let logger: Logger
    let definitions: any DefinitionsStore
    /// The front door's message encoding (dead-lettering, the management API's get and publish).
    public let format: any MessageFormat
    /// Open connections per vhost and user, for `max-connections` limits.
    let connectionCounts = ConnectionCounts()
    /// Open client connections and their channels, for the management API and metrics.
    public let clients = ClientRegistry()
    /// Memory and disk alarms; started with the broker.
    public let resources: ResourceMonitor
    /// Users and permissions as of the last change, readable from any thread (logins).
    let directorySnapshot = NIOLockedValueBox(UserDirectory.withGuest)

    /// `definitions` keeps durable exchanges, queues and bindings; `start()` restores them.
    /// Without one, definitions last as long as the process.
    /// `format` lets the broker read and rewrite message properties (dead-lettering); the
    /// front door whose encoding the messages use supplies it.
    public init(configuration: BrokerConfiguration, loop: any EventLoop, logger: Logger,
                definitions: (any DefinitionsStore)? = nil, format: any MessageFormat = OpaqueMessageFormat()) {
        self.configuration = configuration
        self.loop = loop
        self.logger = logger
        let definitions = definitions ?? InMemoryDefinitionsStore(loop: loop)
        self.definitions = definitions
        self.format = format
        self.resources = ResourceMonitor(
            probe: configuration.resourceProbe ?? SystemResourceProbe(directory: configuration.dataDirectory),
            limits: configuration.resourceLimits, clients: clients)
        // Through swift-metrics: the process's metrics backend (Prometheus in the server) keeps it.
        let fsyncTimer = Metrics.Timer(label: "warren_fsync_duration_seconds")
        let flusher = LogFlusher(onFsync: { duration in
            let parts = duration.components
            fsyncTimer.recordNanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
        }, niceness: configuration.flusherNiceness)
        self.flusher = flusher
        var storage = QueueStorage(root: FilePath(configuration.dataDirectory), flusher: flusher, loop: loop)
        storage.segmentBytes = configuration.segmentBytes
        storage.durability = configuration.durableQueueDurability
        storage.clock = configuration.logClock
        storage.fileSystem = configuration.logFileSystem
        storage.flusherRequests = FlusherRequestHold()
        storage.removeTransient()
        // Built here, used only on `loop` from now on.
        self.state = NIOLoopBoundBox.makeBoxSendingValue(
            BrokerState(configuration: configuration, storage: storage, definitions: definitions, format: format,
                        logger: logger, directorySnapshot: directorySnapshot), eventLoop: loop)
    }

    /// Runs `body` on the broker's loop with its state.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable (BrokerState) throws -> T) -> EventLoopFuture<T> {
        let state = self.state
        return loop.submit { try body(state.value) }
    }

    /// Restores the stored durable definitions (queues with their logs and groups). Call once,
    /// before clients connect.
    public func start() -> EventLoopFuture<Void> {
        let state = self.state
        let loop = self.loop
        let interval = configuration.retentionCheckInterval
        return definitions.load().hop(to: loop).map { stored in
            state.value.restore(stored)
            state.value.retentionTask = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                state.value.applyRetention()
            }
            self.resources.start(on: loop)
            let every = state.value.configuration.rateSampleInterval
            state.value.sampleRates()
            state.value.rateTask = loop.scheduleRepeatedTask(initialDelay: every, delay: every) { _ in
                state.value.sampleRates()
            }
            if case .interval(let every) = state.value.configuration.durableQueueDurability {
                // A quiet log still becomes durable within about one interval of its last append.
                let parts = every.components
                let tick = TimeAmount.milliseconds(max(1, parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000))
                state.value.intervalFlushTask = loop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in
                    state.value.flushDueLogs()
                }
            }
        }
    }

    /// Runs `body` on the broker's loop; the result is delivered once any definitions change
    /// it recorded is on disk.
    func onLoopRecording<T: Sendable>(_ body: @escaping @Sendable (BrokerState) throws -> T) -> EventLoopFuture<T> {
        let state = self.state
        let loop = self.loop
        return loop.submit { () -> (T, EventLoopFuture<Void>?) in
            state.value.pendingWrite = nil
            let value = try body(state.value)
            defer { state.value.pendingWrite = nil }
            return (value, state.value.pendingWrite)
        }.flatMap { value, written in
            (written ?? loop.makeSucceededVoidFuture()).map { value }
        }
    }

    /// Closes every queue's log. The broker is unusable afterwards.
    public func shutdown() -> EventLoopFuture<Void> {
        resources.stop()
        return onLoop { state in
            state.retentionTask?.cancel()
            state.rateTask?.cancel()
            state.intervalFlushTask?.cancel()
            state.deliveryJournalWrite?.cancel()
            // Held flusher requests go now, while the flusher still runs (closing a log would
            // let its own go too).
            state.storage.flusherRequests?.release()
            state.closeAll()
        }.always { [flusher] _ in flusher.shutdown() }
    }

    // MARK: Exchanges and bindings

    public func declareExchange(vhost: String, _ definition: ExchangeDefinition, passive: Bool) -> EventLoopFuture<Void> {
        onLoopRecording { state in try state.declareExchange(vhost: vhost, definition, passive: passive) }
    }

    public func deleteExchange(vhost: String, _ name: String, ifUnused: Bool) -> EventLoopFuture<Void> {
        onLoopRecording { state in try state.deleteExchange(vhost: vhost, name, ifUnused: ifUnused) }
    }

    public func bind(vhost: String, _ binding: Binding, connection: ConnectionID) -> EventLoopFuture<Void> {
        onLoopRecording { state in try state.bind(vhost: vhost, binding, connection: connection) }
    }

    public func unbind(vhost: String, _ binding: Binding, connection: ConnectionID) -> EventLoopFuture<Void> {
        onLoopRecording { state in try state.unbind(vhost: vhost, binding, connection: connection) }
    }

    // MARK: Queues

    /// Declares a queue. `serverNamed`: the name was generated for an empty one (`amq.gen-…`).
    public func declareQueue(vhost: String, _ definition: QueueDefinition, passive: Bool, serverNamed: Bool = false,
                             connection: ConnectionID) -> EventLoopFuture<QueueStatus> {
        onLoopRecording { state in
            try state.declareQueue(vhost: vhost, definition, passive: passive, serverNamed: serverNamed,
                                   connection: connection)
        }
    }

    /// Deletes a queue; returns how many messages it held. Its consumers are cancelled.
    public func deleteQueue(vhost: String, _ name: String, ifUnused: Bool, ifEmpty: Bool,
                            connection: ConnectionID) -> EventLoopFuture<UInt64> {
        onLoopRecording { state in
            try state.deleteQueue(vhost: vhost, name, ifUnused: ifUnused, ifEmpty: ifEmpty, connection: connection)
        }
    }

    public func purgeQueue(vhost: String, _ name: String, connection: ConnectionID) -> EventLoopFuture<UInt64> {
        onLoop { state in
            let runtime = try state.queue(vhost, name, connection: connection)
            if runtime.isStream {
                throw BrokerError(.notImplemented, "queue.purge not supported by stream queues queue '\(name)' in vhost '\(vhost)'")
            }
            return runtime.purge()
        }
    }

    /// A connection closed: its exclusive queues go, its consumers end.
    public func connectionClosed(_ connection: ConnectionID, vhost: String, consumers: [(queue: String, ConsumerID)]) {
        _ = onLoop { state in
            for (queue, consumer) in consumers { try? state.cancel(vhost: vhost, queue: queue, consumer: consumer) }
            state.deleteExclusiveQueues(vhost: vhost, connection: connection)
        }
    }
}
