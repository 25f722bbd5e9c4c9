// Broker.swift: the broker core's entry point for front doors.
import Logging
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

    public init(configuration: BrokerConfiguration, loop: any EventLoop, logger: Logger) {
        self.configuration = configuration
        self.loop = loop
        self.logger = logger
        let flusher = LogFlusher()
        self.flusher = flusher
        let storage = QueueStorage(root: FilePath(configuration.dataDirectory), flusher: flusher, loop: loop)
        storage.removeTransient()
        // Built here, used only on `loop` from now on.
        self.state = NIOLoopBoundBox.makeBoxSendingValue(
            BrokerState(configuration: configuration, storage: storage, logger: logger), eventLoop: loop)
    }

    /// Runs `body` on the broker's loop with its state.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable (BrokerState) throws -> T) -> EventLoopFuture<T> {
        let state = self.state
        return loop.submit { try body(state.value) }
    }

    /// Closes every queue's log. The broker is unusable afterwards.
    public func shutdown() -> EventLoopFuture<Void> {
        onLoop { state in
            state.closeAll()
        }.always { [flusher] _ in flusher.shutdown() }
    }

    // MARK: Exchanges and bindings

    public func declareExchange(vhost: String, _ definition: ExchangeDefinition, passive: Bool) -> EventLoopFuture<Void> {
        onLoop { state in
            _ = try state.withTopology(vhost) { try $0.declareExchange(definition, passive: passive) }
        }
    }

    public func deleteExchange(vhost: String, _ name: String, ifUnused: Bool) -> EventLoopFuture<Void> {
        onLoop { state in try state.withTopology(vhost) { try $0.deleteExchange(name, ifUnused: ifUnused) } }
    }

    public func bind(vhost: String, _ binding: Binding, connection: ConnectionID) -> EventLoopFuture<Void> {
        onLoop { state in
            try state.checkQueueAccess(vhost, binding.destination, connection: connection)
            try state.withTopology(vhost) { try $0.bind(binding) }
        }
    }

    public func unbind(vhost: String, _ binding: Binding, connection: ConnectionID) -> EventLoopFuture<Void> {
        onLoop { state in
            try state.checkQueueAccess(vhost, binding.destination, connection: connection)
            try state.withTopology(vhost) { try $0.unbind(binding) }
        }
    }

    // MARK: Queues

    /// Declares a queue. `serverNamed`: the name was generated for an empty one (`amq.gen-…`).
    public func declareQueue(vhost: String, _ definition: QueueDefinition, passive: Bool, serverNamed: Bool = false,
                             connection: ConnectionID) -> EventLoopFuture<QueueStatus> {
        onLoop { state in
            try state.declareQueue(vhost: vhost, definition, passive: passive, serverNamed: serverNamed,
                                   connection: connection)
        }
    }

    /// Deletes a queue; returns how many messages it held. Its consumers are cancelled.
    public func deleteQueue(vhost: String, _ name: String, ifUnused: Bool, ifEmpty: Bool,
                            connection: ConnectionID) -> EventLoopFuture<UInt64> {
        onLoop { state in
            try state.deleteQueue(vhost: vhost, name, ifUnused: ifUnused, ifEmpty: ifEmpty, connection: connection)
        }
    }

    public func purgeQueue(vhost: String, _ name: String, connection: ConnectionID) -> EventLoopFuture<UInt64> {
        onLoop { state in try state.queue(vhost, name, connection: connection).purge() }
    }

    /// A connection closed: its exclusive queues go, its consumers end.
    public func connectionClosed(_ connection: ConnectionID, vhost: String, consumers: [(queue: String, ConsumerID)]) {
        _ = onLoop { state in
            for (queue, consumer) in consumers { try? state.cancel(vhost: vhost, queue: queue, consumer: consumer) }
            state.deleteExclusiveQueues(vhost: vhost, connection: connection)
        }
    }
}
