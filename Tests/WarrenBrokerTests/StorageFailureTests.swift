import Dispatch
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SystemPackage
import Testing
@testable import WarrenBroker
import WarrenLog

/// When storage fails, a publish's `stored` future fails (the front door answers `basic.nack`)
/// and nothing claims durability it does not have.
@Suite struct StorageFailureTests {
    /// POSIX files whose `sync` fails while `failing` is set, and waits at `gate` while one
    /// is set (it signals `entered`, then waits for `release`).
    final class FailingSyncFileSystem: FileSystem {
        typealias Gate = (entered: DispatchSemaphore, release: DispatchSemaphore)
        let base = POSIXFileSystem()
        let failing = NIOLockedValueBox(false)
        let gate = NIOLockedValueBox<Gate?>(nil)

        final class File: LogFile {
            let inner: any LogFile
            let failing: NIOLockedValueBox<Bool>
            let gate: NIOLockedValueBox<Gate?>
            init(_ inner: any LogFile, failing: NIOLockedValueBox<Bool>, gate: NIOLockedValueBox<Gate?>) {
                self.inner = inner
                self.failing = failing
                self.gate = gate
            }
            var path: FilePath { inner.path }
            func read(into buffer: inout ByteBuffer, count: Int, at offset: Int64) throws -> Int {
                try inner.read(into: &buffer, count: count, at: offset)
            }
            func write(_ bytes: ByteBuffer, at offset: Int64) throws { try inner.write(bytes, at: offset) }
            func size() throws -> Int64 { try inner.size() }
            func truncate(to size: Int64) throws { try inner.truncate(to: size) }
            func sync() throws {
                if let gate = gate.withLockedValue({ $0 }) {
                    gate.entered.signal()
                    gate.release.wait()
                }
                if failing.withLockedValue({ $0 }) { throw LogError.io(operation: "fsync", path: path.string, errno: 5) }
                try inner.sync()
            }
            func close() throws { try inner.close() }
        }

        func openFile(_ path: FilePath, create: Bool) throws -> any LogFile {
            File(try base.openFile(path, create: create), failing: failing, gate: gate)
        }
        func createDirectory(_ path: FilePath) throws { try base.createDirectory(path) }
        func listDirectory(_ path: FilePath) throws -> [String] { try base.listDirectory(path) }
        func fileExists(_ path: FilePath) -> Bool { base.fileExists(path) }
        func removeFile(_ path: FilePath) throws { try base.removeFile(path) }
        func rename(_ from: FilePath, to: FilePath) throws { try base.rename(from, to: to) }
        func syncDirectory(_ path: FilePath) throws { try base.syncDirectory(path) }
    }

    /// A broker on a fresh directory whose log files are `FailingSyncFileSystem`'s.
    static func brokerOnFailingFileSystem() -> (Broker, FailingSyncFileSystem) {
        let fileSystem = FailingSyncFileSystem()
        var configuration = BrokerConfiguration(dataDirectory: "/tmp/warren-storage-test-\(UInt64.random(in: 0...UInt64.max))")
        configuration.logFileSystem = fileSystem
        let broker = Broker(configuration: configuration, loop: BrokerTests.group.next(),
                            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        return (broker, fileSystem)
    }

    @Test func aFailedFsyncFailsTheConfirmOfAPersistentMessage() throws {
        let (broker, fileSystem) = Self.brokerOnFailingFileSystem()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true), passive: false, connection: 1).wait()
        try BrokerTests.publish(broker, ["stored"])
        fileSystem.failing.withLockedValue { $0 = true }
        let outcome = try broker.publish(vhost: "/", BrokerTests.message("lost"), routingKeys: ["q"], headers: nil).wait()
        #expect(outcome.queueCount == 1)
        #expect { try outcome.stored.wait() } throws: { error in (error as? BrokerError)?.kind == .internalError }
        // The failed log refuses later appends (they are nacked too) until it is reopened;
        // other queues go on.
        fileSystem.failing.withLockedValue { $0 = false }
        let after = try broker.publish(vhost: "/", BrokerTests.message("after", persistent: false),
                                       routingKeys: ["q"], headers: nil).wait()
        #expect(throws: BrokerError.self) { try after.stored.wait() }
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "other", durable: true), passive: false,
                                    connection: 1).wait()
        try BrokerTests.publish(broker, ["fine"], queue: "other")
        try? broker.shutdown().wait()
    }

    /// At-least-once dead-lettering: the source gives a message up only once the dead-letter
    /// target holds the copy; when storing the copy fails, the message stays in its queue.
    @Test func aDeadLetterCopyThatCannotBeStoredLeavesTheMessageInItsQueue() throws {
        let (broker, fileSystem) = Self.brokerOnFailingFileSystem()
        try broker.declareExchange(vhost: "/", ExchangeDefinition(name: "dlx", type: .fanout), passive: false).wait()
        // The durable target syncs (and fails); the transient source never syncs.
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "dead", durable: true), passive: false, connection: 1).wait()
        try broker.bind(vhost: "/", Binding(source: "dlx", destination: .queue("dead"), routingKey: ""), connection: 1).wait()
        let source = QueueDefinition(name: "q", arguments: ["x-dead-letter-exchange": .string("dlx")])
        _ = try broker.declareQueue(vhost: "/", source, passive: false, connection: 1).wait()
        try BrokerTests.publish(broker, ["precious"])
        let got = try #require(try broker.get(vhost: "/", queue: "q", noAck: false, consumer: 9, connection: 1).wait())
        fileSystem.failing.withLockedValue { $0 = true }
        broker.settle(vhost: "/", [got.0.reference], .reject)
        // The failure reaches the queue when the flusher reports the failed fsync: wait for
        // the message to be back (bounded), it must not be lost.
        let deadline = ContinuousClock.now + .seconds(10)
        var again: (Delivery, UInt64)?
        while again == nil && ContinuousClock.now < deadline {
            again = try broker.get(vhost: "/", queue: "q", noAck: true, consumer: 9, connection: 1).wait()
        }
        #expect(again.map { String(buffer: $0.0.message.body) } == "precious")
        #expect(again?.0.redelivered == true)
        try? broker.shutdown().wait()
    }

    /// A batch's appends go partition by partition: one whose log refuses them nacks only its
    /// own publishes (no fsync waited on), and the batch's others are stored.
    @Test func aBatchAppendThatFailsNacksOnlyItsOwnPublishes() throws {
        let (broker, fileSystem) = Self.brokerOnFailingFileSystem()
        defer { try? broker.shutdown().wait() }
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true), passive: false, connection: 1).wait()
        // A failed fsync leaves q's log refusing appends; "other" opens after it and works.
        fileSystem.failing.withLockedValue { $0 = true }
        let lost = try broker.publish(vhost: "/", BrokerTests.message("lost"), routingKeys: ["q"], headers: nil).wait()
        #expect(throws: BrokerError.self) { try lost.stored.wait() }
        fileSystem.failing.withLockedValue { $0 = false }
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "other", durable: true), passive: false,
                                    connection: 1).wait()
        let receiver = BatchTests.RecordingReceiver()
        broker.perform(vhost: "/", [BatchTests.publish("a", token: 1), BatchTests.publish("b", token: 2, routingKey: "other"),
                                    BatchTests.publish("c", token: 3), BatchTests.publish("d", token: 4, routingKey: "other")],
                       receiver: receiver)
        #expect(receiver.wait { !receiver.publishedCalls.withLockedValue { $0 }.isEmpty })
        let results = try #require(receiver.publishedCalls.withLockedValue { $0 }.first)
        #expect(results.map(\.token) == [1, 2, 3, 4])
        #expect(results[0].rejected != nil && results[0].pendingStores == 0)
        #expect(results[2].rejected != nil && results[2].pendingStores == 0)
        #expect(results[1].rejected == nil && results[1].pendingStores == 1)
        #expect(results[3].rejected == nil && results[3].pendingStores == 1)
        #expect(receiver.wait { receiver.storedTokens.withLockedValue { $0 } == [2: 1, 4: 1] })
    }
}

/// The `interval` durability policy: confirms wait for the next due fsync, which the broker's
/// timer asks for even when no more messages arrive.
@Suite struct IntervalDurabilityTests {
    @Test func aQuietDurableQueueBecomesDurableOnceTheIntervalHasPassed() throws {
        let clock = ExpiryAndDeadLetterTests.Clock()
        var configuration = BrokerConfiguration(dataDirectory: "/tmp/warren-interval-test-\(UInt64.random(in: 0...UInt64.max))")
        configuration.logClock = clock
        configuration.durableQueueDurability = .interval(.milliseconds(20))
        let broker = Broker(configuration: configuration, loop: BrokerTests.group.next(),
                            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try broker.start().wait()
        _ = try broker.declareQueue(vhost: "/", QueueDefinition(name: "q", durable: true), passive: false, connection: 1).wait()
        let second = try broker.publish(vhost: "/", BrokerTests.message("second"), routingKeys: ["q"], headers: nil).wait()
        let stored = NIOLockedValueBox<Bool?>(nil)
        second.stored.whenComplete { result in stored.withLockedValue { $0 = (try? result.get()) != nil } }
        // The log's clock has not moved: the timer finds nothing due, however often it runs.
        try broker.loop.submit {}.wait()
        #expect(stored.withLockedValue { $0 } == nil)
        clock.advance(20)
        // Bounded: the timer runs every 20 ms of real time; give up after 10 s.
        let deadline = ContinuousClock.now + .seconds(10)
        while stored.withLockedValue({ $0 }) == nil && ContinuousClock.now < deadline {
            try broker.loop.scheduleTask(in: .milliseconds(5)) {}.futureResult.wait()
        }
        #expect(stored.withLockedValue { $0 } == true)
        try broker.shutdown().wait()
    }
}
