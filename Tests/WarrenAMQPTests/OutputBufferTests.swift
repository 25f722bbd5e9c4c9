import AMQPProtocol
import NIOCore
import NIOEmbedded
import Testing
import WarrenAMQP
import WarrenTestSupport

/// A connection's output buffer between flushes: a burst of replies does not leave an idle
/// connection holding a buffer of the burst's size.
@Suite struct OutputBufferTests {
    func handler(of server: EmbeddedAMQPServer) throws -> AMQPConnectionHandler {
        try server.channel.pipeline.syncOperations.handler(type: AMQPConnectionHandler.self)
    }

    /// One read of 2,000 `channel.flow`s: 2,000 replies (26 KB) go out in one flush; after it
    /// the connection holds no output buffer, and the next reply still goes out.
    @Test func anIdleConnectionHoldsNoOutputBufferAfterABurst() throws {
        let server = try EmbeddedAMQPServer.withChannelOpen()
        var burst = ByteBuffer()
        for _ in 0..<2_000 {
            burst.writeAMQPFrame(Frame(channel: 1, payload: .method(.channelFlow(.init(active: true)))))
        }
        try server.send(Array(burst.readableBytesView))
        let replies = try server.writtenFrames()
        #expect(replies.count == 2_000)
        #expect(replies.allSatisfy { $0 == Frame(channel: 1, payload: .method(.channelFlowOk(.init(active: true)))) })
        #expect(try handler(of: server).heldOutputCapacity == 0)

        try server.send(channel: 1, .channelFlow(.init(active: true)))
        #expect(try server.writtenFrames() == [Frame(channel: 1, payload: .method(.channelFlowOk(.init(active: true))))])
        #expect(try handler(of: server).heldOutputCapacity == 0)
    }
}
