import AMQPProtocol
import NIOCore
import Testing
import WarrenAMQP
import WarrenTestSupport

/// Frames split over socket reads anywhere, as TCP may deliver them: the handler decodes each
/// frame exactly once and in order, whatever the split.
@Suite struct SplitReadTests {
    /// Three methods the connection answers itself (no broker needed): each gets one reply.
    static func bytes() -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeAMQPFrame(Frame(channel: 1, payload: .method(.channelFlow(.init(active: true)))))
        buffer.writeAMQPFrame(Frame(channel: 1, payload: .method(.accessRequest(.init(realm: "/data")))))
        buffer.writeAMQPFrame(Frame(channel: 1, payload: .method(.channelFlow(.init(active: true)))))
        return Array(buffer.readableBytesView)
    }

    static let replies: [Frame] = [
        Frame(channel: 1, payload: .method(.channelFlowOk(.init(active: true)))),
        Frame(channel: 1, payload: .method(.accessRequestOk(.init(ticket: 1)))),
        Frame(channel: 1, payload: .method(.channelFlowOk(.init(active: true)))),
    ]

    func openServer() throws -> EmbeddedAMQPServer { try EmbeddedAMQPServer.withChannelOpen() }

    @Test func everySplitPointInTwoReadsGivesTheSameReplies() throws {
        let bytes = Self.bytes()
        for split in 1..<bytes.count {
            let server = try openServer()
            try server.send(Array(bytes[..<split]))
            try server.send(Array(bytes[split...]))
            #expect(try server.writtenFrames() == Self.replies, "split at byte \(split)")
            #expect(!server.isClosed)
        }
    }

    @Test func oneByteAReadGivesTheSameReplies() throws {
        let server = try openServer()
        for byte in Self.bytes() { try server.send([byte]) }
        #expect(try server.writtenFrames() == Self.replies)
    }

    @Test func aFrameSplitOverThreeReadsWithTheNextFrameBehindIt() throws {
        let bytes = Self.bytes()
        let server = try openServer()
        // The first frame's header in one read, its payload's start in the next, then the rest.
        try server.send(Array(bytes[..<4]))
        try server.send(Array(bytes[4..<9]))
        try server.send(Array(bytes[9...]))
        #expect(try server.writtenFrames() == Self.replies)
    }
}
