// ResourceMonitor.swift: RabbitMQ's resource alarms: memory high watermark and disk free limit.
// While one is in effect, publishing connections are blocked (`connection.blocked`) and no
// longer read; consumers go on. The alarm clears when the resource is back past its limit.
import NIOConcurrencyHelpers
import NIOCore

/// Where the monitor reads memory use and free disk space (tests inject their own).
public protocol ResourceProbe: Sendable {
    /// Resident memory of this process, in bytes.
    func memoryUsedBytes() -> Int64
    /// Free bytes on the file system holding the data directory.
    func diskFreeBytes() -> Int64
    /// Physical memory of the machine, in bytes.
    func memoryTotalBytes() -> Int64
}

/// The alarm limits, as RabbitMQ's `vm_memory_high_watermark` and `disk_free_limit`.
public struct ResourceLimits: Sendable, Equatable {
    /// Memory use above which publishers are blocked: a fraction of physical memory.
    public var memoryHighWatermark = 0.4
    /// Free disk space below which publishers are blocked.
    public var diskFreeLimitBytes: Int64 = 50_000_000
    /// How often the monitor looks.
    public var checkInterval: TimeAmount = .seconds(1)

    public init() {}
}

/// The alarms in effect and the figures they came from.
public struct ResourceStatus: Sendable, Equatable {
    public var memoryUsedBytes: Int64 = 0
    public var memoryLimitBytes: Int64 = 0
    public var memoryAlarm = false
    public var diskFreeBytes: Int64 = 0
    public var diskFreeLimitBytes: Int64 = 0
    public var diskAlarm = false

    /// RabbitMQ's `connection.blocked` reason for the alarms in effect, nil when none is.
    public var blockReason: String? {
        switch (memoryAlarm, diskAlarm) {
        case (true, true): return "low on memory & disk"
        case (true, false): return "low on memory"
        case (false, true): return "low on disk"
        case (false, false): return nil
        }
    }
}

/// Checks the probe on a timer and blocks or unblocks every client connection when an alarm
/// starts or clears.
public final class ResourceMonitor: Sendable {
    let probe: any ResourceProbe
    let limits: ResourceLimits
    let clients: ClientRegistry
    private let current = NIOLockedValueBox(ResourceStatus())
    private let task = NIOLockedValueBox<RepeatedTask?>(nil)

    public init(probe: any ResourceProbe, limits: ResourceLimits, clients: ClientRegistry) {
        self.probe = probe
        self.limits = limits
        self.clients = clients
    }

    public var status: ResourceStatus { current.withLockedValue { $0 } }

    /// Checks now, then every `limits.checkInterval` on `loop`.
    public func start(on loop: any EventLoop) {
        check()
        let repeated = loop.scheduleRepeatedTask(initialDelay: limits.checkInterval, delay: limits.checkInterval) { [self] _ in
            check()
        }
        task.withLockedValue { $0 = repeated }
    }

    public func stop() {
        task.withLockedValue { $0?.cancel(); $0 = nil }
    }

    /// Reads the probe; when the alarms in effect change, tells every connection.
    public func check() {
        var status = ResourceStatus()
        status.memoryUsedBytes = probe.memoryUsedBytes()
        status.memoryLimitBytes = Int64(Double(probe.memoryTotalBytes()) * limits.memoryHighWatermark)
        status.memoryAlarm = status.memoryUsedBytes > status.memoryLimitBytes
        status.diskFreeBytes = probe.diskFreeBytes()
        status.diskFreeLimitBytes = limits.diskFreeLimitBytes
        status.diskAlarm = status.diskFreeBytes < status.diskFreeLimitBytes
        let previous = current.withLockedValue { current in
            defer { current = status }
            return current.blockReason
        }
        let reason = status.blockReason
        guard reason != previous else { return }
        clients.setAlarm(reason)
    }
}
