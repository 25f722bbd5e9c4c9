import AMQPClient
import Dispatch
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
@testable import WarrenAMQP
import WarrenBroker
import WarrenServer

/// A publisher faster than the broker: the connection stops reading its socket once its
/// publishes in flight reach the limit (TCP back-pressure), and reads again once they drain.
@Suite struct PublisherBackPressureTests {
    /// The first connection's session as seen on its own event loop.
    static func session<T: Sendable>(_ server: WarrenServer, _ body: @escaping @Sendable (BrokerSession) -> T)
        async throws -> T? {
        guard let channel = server.listener.registry.all.first else { return nil }
        return try await channel.eventLoop.submit {
            (try? channel.pipeline.syncOperations.handler(type: AMQPConnectionHandler.self))?.session.map(body)
        }.get()
    }

    @Test func aPublisherFasterThanTheBrokerIsHeldBackByTCP() async throws {
        let (server, task, port) = try await ServerOverTCPTests.startServer()
        let connection = try await AMQPConnection.connect(to: AMQPURL(port: port),
                                                          eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let events = NIOLockedValueBox<[AMQPBlockedEvent]>([])
        connection.setBlockedHandler { event in events.withLockedValue { $0.append(event) } }
        let channel = try await connection.openChannel()
        _ = try await channel.queueDeclare("fast", exclusive: true)
        // The broker's loop is busy (a stand-in for storage that cannot keep up).
        let release = DispatchSemaphore(value: 0)
        server.broker.loop.execute { _ = release.wait(timeout: .now() + 30) }
        let count = 10_000
        let body = ByteBuffer(repeating: 0x61, count: 1024)
        for _ in 0..<count { channel.basicPublish(routingKey: "fast", body: body) }
        connection.flush()
        // Wait (bounded) for the connection to stop reading.
        let limit = 2_048
        var paused = false
        let deadline = ContinuousClock.now + .seconds(20)
        while !paused && ContinuousClock.now < deadline {
            paused = try await Self.session(server) { $0.readingPaused } ?? false
            if !paused { await Task.yield() }
        }
        #expect(paused)
        let inFlight = try await Self.session(server) { $0.publishesInFlight } ?? 0
        // The limit, plus what was already read when reading stopped (one read loop's worth).
        #expect(inFlight >= limit && inFlight < limit + 1_500, "\(inFlight) publishes in flight")
        release.signal()
        // Once the broker catches up, reading resumes and every message arrives.
        var stored: UInt32 = 0
        while stored < count && ContinuousClock.now < deadline + .seconds(20) {
            stored = try await channel.queueDeclare("fast", passive: true).messageCount
        }
        #expect(stored == UInt32(count))
        #expect(try await Self.session(server) { $0.readingPaused } == false)
        // The client announced connection.blocked: it was told each time it was held back and
        // released (more than once while the backlog drained), ending released.
        let told = events.withLockedValue { $0 }
        let pairs = told.count / 2
        #expect(pairs >= 1 && told.count % 2 == 0)
        #expect(told == Array(repeating: [AMQPBlockedEvent.blocked(reason: "publishes waiting for storage"), .unblocked],
                              count: pairs).flatMap { $0 })
        try await connection.close()
        await server.shutdown()
        try await task.value
    }
}
