// FakeServer.swift: scripts the server side of one client connection over an EmbeddedChannel.
@testable import AMQPClient
import AMQPProtocol
import NIOCore
import NIOEmbedded
import Testing

/// Holds a future's result once it completes (futures on an EmbeddedEventLoop complete
/// synchronously while the test drives the loop).
final class FutureResult<T: Sendable>: @unchecked Sendable {
    private(set) var result: Result<T, any Error>?

    init(_ future: EventLoopFuture<T>) {
        future.whenComplete { self.result = $0 }
    }

    var value: T? { try? result?.get() }

    var error: (any Error)? {
        if case .failure(let error) = result { return error }
        return nil
    }

    var clientError: AMQPClientError? { error as? AMQPClientError }
}

/// The server end of an `EmbeddedChannel` running the client.
final class FakeServer {
    let channel = EmbeddedChannel()
    private var decoder = FrameDecoder(frameSizeBytesMax: .max)
    private var pending = ByteBuffer()
    let connectionResult: FutureResult<AMQPConnection>

    var loop: EmbeddedEventLoop { channel.embeddedEventLoop }

    init(configuration: AMQPConnectionConfiguration = .init()) throws {
        connectionResult = FutureResult(AMQPConnection.start(on: channel, configuration: configuration))
        channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 5672), promise: nil)
    }

    /// Reads the 8-byte protocol header the client sends first.
    func readProtocolHeader() throws -> [UInt8] {
        drainOutbound()
        let bytes = pending.readBytes(length: ProtocolHeader.lengthBytes)
        return try #require(bytes)
    }

    /// Every complete frame the client wrote so far (after running queued loop tasks).
    func readFrames() throws -> [Frame] {
        drainOutbound()
        var frames: [Frame] = []
        while let frame = try decoder.decodeFrame(from: &pending) { frames.append(frame) }
        return frames
    }

    /// The methods the client wrote so far, with their channel.
    func readMethods() throws -> [(UInt16, Method)] {
        try readFrames().compactMap { frame in
            if case .method(let method) = frame.payload { return (frame.channel, method) }
            return nil
        }
    }

    /// Sends frames to the client in one read (followed by read-complete).
    func send(_ frames: [Frame]) throws {
        var buffer = ByteBuffer()
        for frame in frames { buffer.writeAMQPFrame(frame) }
        try channel.writeInbound(buffer)
        loop.run()
    }

    /// Sends one method frame.
    func send(channel id: UInt16 = 0, _ method: Method) throws {
        try send([Frame(channel: id, payload: .method(method))])
    }

    /// Runs the whole handshake with the given tune values and returns the connection.
    func handshake(tune: Connection.Tune = .init(channelMax: 2047, frameMax: 131_072, heartbeat: 0)) throws -> AMQPConnection {
        _ = try readProtocolHeader()
        try send(.connectionStart(.init(serverProperties: ["product": "FakeServer"],
                                        mechanisms: Array("AMQPLAIN PLAIN".utf8))))
        _ = try readMethods()
        try send(.connectionTune(tune))
        _ = try readMethods()
        try send(.connectionOpenOk(.init()))
        return try #require(connectionResult.value)
    }

    /// Opens channel `id` on `connection`, answering `channel.open`.
    func openChannel(_ connection: AMQPConnection, expecting id: UInt16 = 1) throws -> AMQPChannel {
        let result = FutureResult(connection.openChannel())
        let methods = try readMethods()
        #expect(methods.count == 1 && methods[0].0 == id)
        try send(channel: id, .channelOpenOk(.init()))
        return try #require(result.value)
    }

    private func drainOutbound() {
        loop.run()
        while let buffer = try? channel.readOutbound(as: ByteBuffer.self) {
            var buffer = buffer
            pending.writeBuffer(&buffer)
        }
    }
}
