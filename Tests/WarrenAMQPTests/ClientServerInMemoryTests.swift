import AMQPClient
import AMQPProtocol
import NIOCore
import NIOEmbedded
import Testing
import WarrenAMQP
import WarrenTestSupport

/// Warren's AMQPClient against Warren's server pipeline, in memory.
@Suite struct ClientServerInMemoryTests {
    func connected(heartbeat: UInt16 = 0) throws -> (BackToBackEmbeddedChannel, AMQPConnection) {
        let pair = try BackToBackEmbeddedChannel()
        var configuration = AMQPConnectionConfiguration()
        configuration.heartbeatSeconds = heartbeat
        let future = AMQPConnection.start(on: pair.client, configuration: configuration)
        try pair.connectClient()
        try pair.interactInMemory()
        return (pair, try future.wait())
    }

    @Test func handshakeNegotiatesRabbitMQsDefaults() throws {
        let (_, connection) = try connected(heartbeat: 30)
        #expect(connection.serverProperties["product"]?.string == "Warren")
        #expect(connection.tuning.channelMax == 2047)
        #expect(connection.tuning.frameMax == 131_072)
        #expect(connection.tuning.heartbeatSeconds == 30)
    }

    @Test func channelsOpenAndCloseThenTheConnectionClosesCleanly() throws {
        let (pair, connection) = try connected()
        var channels: [AMQPChannel] = []
        for _ in 0..<3 {
            let future = connection.openChannel()
            try pair.interactInMemory()
            channels.append(try future.wait())
        }
        for channel in channels {
            let closed = channel.close()
            try pair.interactInMemory()
            try closed.wait()
        }
        let closed = connection.close()
        try pair.interactInMemory()
        try closed.wait()
        #expect(!pair.server.isActive)
    }

    @Test func methodNeedingTheBrokerFailsWithNotImplemented() throws {
        let (pair, connection) = try connected()
        let opened = connection.openChannel()
        try pair.interactInMemory()
        let channel = try opened.wait()
        let declared = channel.queueDeclare("q")
        try pair.interactInMemory()
        #expect(throws: AMQPClientError.self) { try declared.wait() }
        #expect(throws: AMQPClientError.self) { try connection.closeFuture.wait() }
        do {
            try connection.closeFuture.wait()
        } catch let error as AMQPClientError {
            #expect(error.replyCode == 540)
        }
    }

    @Test func heartbeatsKeepAnIdleConnectionOpen() throws {
        let (pair, connection) = try connected(heartbeat: 1)
        for _ in 0..<10 {
            pair.loop.advanceTime(by: .seconds(1))
            try pair.interactInMemory()
        }
        #expect(pair.server.isActive && pair.client.isActive)
        let closed = connection.close()
        try pair.interactInMemory()
        try closed.wait()
    }
}
