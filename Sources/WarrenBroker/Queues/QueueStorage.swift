// QueueStorage.swift: where a queue's log and journal live on disk.
import Foundation
import NIOCore
import SystemPackage
import WarrenLog

/// Lays out queue directories under the data directory:
///   vhosts/<vhost>/queues/<queue>/partitions/<i>/log      a partition's log (durable queues)
///   vhosts/<vhost>/queues/<queue>/partitions/<i>/groups   its consumer-group journal
///   transient/<vhost>/<queue>/...            the same for transient queues, wiped at start
/// Names are percent-encoded so any queue name is a safe file name.
struct QueueStorage {
    let root: FilePath
    let flusher: LogFlusher
    /// The broker's loop, where futures for durability complete.
    let loop: any EventLoop
    /// How durable queues' logs fsync (`BrokerConfiguration.durableQueueDurability`).
    var durability: DurabilityPolicy = .always
    /// Segment size of queue logs (small in tests, to see retention work).
    var segmentBytes = LogLimits.segmentBytesDefault
    /// The clock logs read for timestamps, segment ages and retention.
    var clock: any LogClock = SystemLogClock()
    /// Where queue logs are written (tests inject failing files).
    var fileSystem: any FileSystem = POSIXFileSystem()
    /// Holds queue logs' flusher wake-ups while the broker runs a batch (`perform`); nil: they
    /// wake the flusher at once.
    var flusherRequests: FlusherRequestHold?

    static func encode(_ name: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
        // "." and ".." are not names a directory can have.
        return encoded == "." || encoded == ".." || encoded.isEmpty ? "%" + encoded : encoded
    }

    func directory(vhost: String, queue: String, durable: Bool) -> FilePath {
        durable
            ? root.appending("vhosts").appending(Self.encode(vhost)).appending("queues").appending(Self.encode(queue))
            : root.appending("transient").appending(Self.encode(vhost)).appending(Self.encode(queue))
    }

    /// Opens (or creates) a queue's partitions: `partitions/<i>/log` and `partitions/<i>/groups`,
    /// with the arguments `policy` gives it on top of its own.
    func open(_ definition: QueueDefinition, vhost: String, policy: Policy? = nil) throws -> QueueRuntime {
        let directory = directory(vhost: vhost, queue: definition.name, durable: definition.durable)
        var configuration = PartitionLog.Configuration()
        configuration.durability = definition.durable ? durability : .never
        configuration.segmentBytes = segmentBytes
        configuration.removesSegmentsInBackground = true
        // The copy into the page cache runs on the flusher's thread, not the broker's loop.
        configuration.writesInBackground = true
        configuration.flusherRequestHold = flusherRequests
        // Declarations were validated before; a stored one that no longer validates is a
        // classic queue of one partition rather than a queue that cannot open.
        let arguments = QueueArguments.effective(definition, vhost: vhost, policy: policy)
        configuration.retention = arguments.retention
        var partitions: [QueuePartition] = []
        do {
            for index in 0..<arguments.partitions {
                let partitionDirectory = directory.appending("partitions").appending("\(index)")
                let log = try PartitionLog.open(directory: partitionDirectory.appending("log"), configuration: configuration,
                                                fileSystem: fileSystem, clock: clock, flusher: flusher)
                // A transient queue's groups end with the process: no journal to write.
                var journal: ConsumerGroupJournal?
                if definition.durable {
                    do {
                        journal = try ConsumerGroupJournal.open(directory: partitionDirectory.appending("groups"))
                        journal!.deferWrites = true
                    } catch {
                        try? log.close()
                        throw error
                    }
                }
                let partition = QueuePartition(index: index, log: log, journal: journal, loop: loop)
                partition.watchDurability()
                partitions.append(partition)
            }
            return try QueueRuntime(definition: definition, vhost: vhost, arguments: arguments, policy: policy,
                                    partitions: partitions)
        } catch {
            for partition in partitions { partition.close() }
            throw error
        }
    }

    /// Removes a queue's files (queue.delete).
    func remove(vhost: String, queue: String, durable: Bool) {
        try? FileManager.default.removeItem(atPath: directory(vhost: vhost, queue: queue, durable: durable).string)
    }

    /// Transient queues do not survive a restart: their files go at start.
    func removeTransient() {
        try? FileManager.default.removeItem(atPath: root.appending("transient").string)
    }
}
