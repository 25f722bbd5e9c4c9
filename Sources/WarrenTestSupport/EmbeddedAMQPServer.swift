// EmbeddedAMQPServer.swift: one server connection pipeline on an EmbeddedChannel, driven
// with raw bytes or frames; time moves only when a test advances it.
import AMQPProtocol
import Logging
import NIOCore
import NIOEmbedded
import WarrenAMQP

/// A server-side AMQP connection with no socket. Feed it bytes, read back the frames it wrote.
public final class EmbeddedAMQPServer {
    public let channel = EmbeddedChannel()
    public var loop: EmbeddedEventLoop { channel.embeddedEventLoop }
    private var received = ByteBuffer()
    private var decoder = FrameDecoder(frameSizeBytesMax: 1 << 24)

    public init(configuration: ConnectionConfiguration = .init(), peerIsLoopback: Bool = true) throws {
        let handler = AMQPConnectionHandler(configuration: configuration, peerIsLoopback: peerIsLoopback,
                                            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5672)).wait()
    }

    /// Sends raw bytes as if they came from the client.
    public func send(_ bytes: [UInt8]) throws {
        try channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    /// Sends frames as if they came from the client (in one read).
    public func send(_ frames: Frame...) throws {
        var buffer = ByteBuffer()
        for frame in frames { buffer.writeAMQPFrame(frame) }
        try channel.writeInbound(buffer)
    }

    /// Sends a method on a channel.
    public func send(channel number: UInt16 = 0, _ method: Method) throws {
        try send(Frame(channel: number, payload: .method(method)))
    }

    /// Every byte the server wrote since the last call.
    public func writtenBytes() throws -> [UInt8] {
        while let chunk = try channel.readOutbound(as: ByteBuffer.self) {
            received.writeImmutableBuffer(chunk)
        }
        let bytes = Array(received.readableBytesView)
        received.clear()
        return bytes
    }

    /// Every frame the server wrote since the last call.
    public func writtenFrames() throws -> [Frame] {
        while let chunk = try channel.readOutbound(as: ByteBuffer.self) {
            received.writeImmutableBuffer(chunk)
        }
        var frames: [Frame] = []
        while let frame = try decoder.decodeFrame(from: &received) { frames.append(frame) }
        return frames
    }

    /// Runs the handshake as guest on vhost "/" and returns when the connection is open.
    public func handshake(heartbeat: UInt16 = 0, frameMax: UInt32 = 131_072) throws {
        try send(ProtocolHeader.amqp091)
        try send(.connectionStartOk(.init(
            clientProperties: ["capabilities": .table(["authentication_failure_close": true])],
            mechanism: "PLAIN", response: Array("\0guest\0guest".utf8), locale: "en_US")))
        try send(.connectionTuneOk(.init(channelMax: 2047, frameMax: frameMax, heartbeat: heartbeat)))
        try send(.connectionOpen(.init(virtualHost: "/")))
        _ = try writtenFrames()
    }

    /// A server past the handshake with channel 1 open, its replies so far read.
    public static func withChannelOpen() throws -> EmbeddedAMQPServer {
        let server = try EmbeddedAMQPServer()
        try server.handshake()
        try server.send(channel: 1, .channelOpen(.init()))
        _ = try server.writtenFrames()
        return server
    }

    /// The `connection.close` the server sent, if any, among `frames`.
    public static func connectionClose(in frames: [Frame]) -> Connection.Close? {
        for frame in frames {
            if case .method(.connectionClose(let close)) = frame.payload { return close }
        }
        return nil
    }

    /// True once the server closed the socket.
    public var isClosed: Bool { !channel.isActive }
}
