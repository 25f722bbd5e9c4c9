// ResourceMonitorTests.swift: alarms start and clear with the probe's figures, and every
// registered connection hears each change once.
import NIOConcurrencyHelpers
import Testing
@testable import WarrenBroker

@Suite struct ResourceMonitorTests {
    final class FakeProbe: ResourceProbe {
        let memory = NIOLockedValueBox<Int64>(100)
        let disk = NIOLockedValueBox<Int64>(1_000_000_000)
        func memoryUsedBytes() -> Int64 { memory.withLockedValue { $0 } }
        func diskFreeBytes() -> Int64 { disk.withLockedValue { $0 } }
        func memoryTotalBytes() -> Int64 { 1000 }
    }

    static func connection(_ id: ConnectionID) -> ClientConnection {
        ClientConnection(id: id, name: "c\(id)", user: "guest", vhost: "/", peerHost: "127.0.0.1", peerPort: 1,
                         host: "127.0.0.1", port: 5672, protocol: "AMQP 0-9-1", tls: false, connectedAt: 0,
                         frameMax: 4096, channelMax: 1, heartbeatSeconds: 0, clientProperties: [:], capabilities: [:])
    }

    @Test func diskAndMemoryAlarmsBlockAndUnblockEveryConnection() {
        let probe = FakeProbe()
        let clients = ClientRegistry()
        let heard = NIOLockedValueBox<[(ConnectionID, Bool, String)]>([])
        for id: ConnectionID in [1, 2] {
            clients.add(Self.connection(id), handle: ClientHandle(close: { _ in }, setBlocked: { blocked, reason in
                heard.withLockedValue { $0.append((id, blocked, reason)) }
            }))
        }
        var limits = ResourceLimits()
        limits.diskFreeLimitBytes = 50_000_000
        limits.memoryHighWatermark = 0.4  // 400 of the fake 1000 bytes
        let monitor = ResourceMonitor(probe: probe, limits: limits, clients: clients)
        monitor.check()
        #expect(heard.withLockedValue { $0 }.isEmpty && monitor.status.blockReason == nil)

        probe.disk.withLockedValue { $0 = 10_000_000 }
        monitor.check()
        monitor.check()  // no change: nobody hears it twice
        #expect(heard.withLockedValue { $0.map { "\($0.0) \($0.1) \($0.2)" } }.sorted() == ["1 true low on disk", "2 true low on disk"])
        #expect(monitor.status.diskAlarm && !monitor.status.memoryAlarm)
        // A connection opening during the alarm is told at once.
        #expect(clients.add(Self.connection(3), handle: ClientHandle(close: { _ in }, setBlocked: { _, _ in })) == "low on disk")

        probe.memory.withLockedValue { $0 = 500 }
        monitor.check()
        #expect(monitor.status.blockReason == "low on memory & disk")
        probe.disk.withLockedValue { $0 = 60_000_000 }
        probe.memory.withLockedValue { $0 = 100 }
        heard.withLockedValue { $0 = [] }
        monitor.check()
        #expect(heard.withLockedValue { $0.map { "\($0.0) \($0.1)" } }.sorted() == ["1 false", "2 false"])
        #expect(clients.alarmReason == nil)
    }
}
