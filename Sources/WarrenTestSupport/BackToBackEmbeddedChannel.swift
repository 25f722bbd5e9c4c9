// BackToBackEmbeddedChannel.swift: a client pipeline and a server pipeline joined in memory.
import Logging
import NIOCore
import NIOEmbedded
import WarrenAMQP

/// Two EmbeddedChannels on one EmbeddedEventLoop: bytes the client writes are read by the
/// server and back, moved by `interactInMemory()` until both sides are quiet. No TCP, and
/// time moves only with `loop.advanceTime`.
public final class BackToBackEmbeddedChannel {
    public let loop = EmbeddedEventLoop()
    public let client: EmbeddedChannel
    public let server: EmbeddedChannel

    /// Builds the pair with Warren's AMQP server handler on the server side.
    public init(configuration: ConnectionConfiguration = .init()) throws {
        client = EmbeddedChannel(loop: loop)
        server = EmbeddedChannel(loop: loop)
        let handler = AMQPConnectionHandler(configuration: configuration, peerIsLoopback: true,
                                            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try server.pipeline.syncOperations.addHandler(handler)
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 5672)
        try server.connect(to: address).wait()
    }

    /// Activates the client side (after its handlers are added).
    public func connectClient() throws {
        try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5672)).wait()
    }

    /// Moves bytes between the two sides until neither has anything more to say. Bounded: a
    /// conversation longer than `roundsMax` exchanges is a bug in one of the peers.
    public func interactInMemory(roundsMax: Int = 10_000) throws {
        for _ in 0..<roundsMax {
            loop.run()
            var moved = false
            // Bytes written before a side closed still travel, as on a TCP connection.
            while let bytes = try client.readOutbound(as: ByteBuffer.self) {
                if server.isActive { try server.writeInbound(bytes) }
                moved = true
            }
            while let bytes = try server.readOutbound(as: ByteBuffer.self) {
                if client.isActive { try client.writeInbound(bytes) }
                moved = true
            }
            // A side that closed is seen by the other as end of stream.
            if !server.isActive && client.isActive {
                try? client.close().wait()
                moved = true
            }
            if !client.isActive && server.isActive {
                try? server.close().wait()
                moved = true
            }
            if !moved { return }
        }
        throw InteractionNeverEnded()
    }

    public struct InteractionNeverEnded: Error {}
}
