import AMQPClient
import AMQPProtocol
import Logging
import NIOCore
import NIOPosix
import Testing
import WarrenAMQP
import WarrenServer

/// A whole node on 127.0.0.1 with a free port, driven by AMQPClient over real TCP.
@Suite struct ServerOverTCPTests {
    static func startServer(eventLoops: Int = 2) async throws -> (WarrenServer, Task<Void, any Error>, Int) {
        var configuration = WarrenConfiguration()
        configuration.amqpPort = 0
        configuration.managementPort = 0
        configuration.eventLoopThreads = eventLoops
        configuration.dataDirectory = "/tmp/warren-test-\(UInt64.random(in: 0...UInt64.max))"
        let server = WarrenServer(configuration: configuration,
                                  logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), signals: [])
        let task = Task { try await server.run() }
        let address = try await server.listener.boundAddress.get()
        return (server, task, address.port!)
    }

    @Test func clientsConnectOpenChannelsAndCloseOverTCP() async throws {
        let (server, task, port) = try await Self.startServer()
        let url = AMQPURL(port: port)
        let connections = try await withThrowingTaskGroup(of: AMQPConnection.self) { group in
            for _ in 0..<10 {
                group.addTask { try await AMQPConnection.connect(to: url, eventLoopGroup: MultiThreadedEventLoopGroup.singleton) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for connection in connections {
            let channel = try await connection.openChannel()
            try await channel.close()
        }
        #expect(server.listener.connectionCount == 10)
        for connection in connections { try await connection.close() }
        await server.shutdown()
        try await task.value
    }

    @Test func shutdownClosesConnectionsWithConnectionForced() async throws {
        let (server, task, port) = try await Self.startServer()
        let connection = try await AMQPConnection.connect(to: AMQPURL(port: port),
                                                          eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        _ = try await connection.openChannel()
        await server.shutdown()
        try await task.value
        do {
            try await connection.closeFuture.get()
            Issue.record("connection closed without an error")
        } catch let error as AMQPClientError {
            #expect(error.replyCode == 320)
        }
    }

    /// With one event loop the broker core and every connection share it: durable publishes
    /// are confirmed (the flusher's answer reaches that loop) and come back in order.
    @Test func aNodeOnOneEventLoopConfirmsAndDelivers() async throws {
        let (server, task, port) = try await Self.startServer(eventLoops: 1)
        let connection = try await AMQPConnection.connect(to: AMQPURL(port: port),
                                                          eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let channel = try await connection.openChannel()
        _ = try await channel.queueDeclare("one-loop", durable: true)
        try await channel.confirmSelect().get()
        let tags = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for index in 0..<50 {
                let confirmed: EventLoopFuture<UInt64> = channel.basicPublishConfirmed(
                    routingKey: "one-loop", body: ByteBuffer(string: "m\(index)"), properties: BasicProperties(deliveryMode: 2))
                group.addTask { try await confirmed.get() }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(tags.sorted() == Array(1...50))
        var bodies: [String] = []
        while let got = try await channel.basicGet(queue: "one-loop", noAck: true).get() {
            bodies.append(String(buffer: got.delivery.body))
        }
        #expect(bodies == (0..<50).map { "m\($0)" })
        try await connection.close()
        await server.shutdown()
        try await task.value
    }

    @Test func theDefaultLeavesACoreForTheFlusher() {
        #expect(WarrenConfiguration.defaultEventLoops(cores: 1) == 1)
        #expect(WarrenConfiguration.defaultEventLoops(cores: 2) == 1)
        #expect(WarrenConfiguration.defaultEventLoops(cores: 8) == 7)
    }
}
