// ContentAssembler.swift: joins a content method, its header frame and its body frames into
// one message, as a small value-type state machine.
import AMQPProtocol
import NIOCore

/// Assembles `basic.deliver`, `basic.get-ok` and `basic.return` with their content.
///
/// A body that arrives in one frame is kept as the frame's slice (no copy); a body split
/// over several frames is gathered into one buffer sized from the header's body size.
struct ContentAssembler {
    /// A fully received message.
    struct Message: Sendable {
        var method: Method
        var header: ContentHeader
        var body: ByteBuffer
    }

    enum State {
        case idle
        case awaitingHeader(Method)
        case awaitingBody(Method, ContentHeader)
    }

    private(set) var state: State = .idle
    /// Body frames gathered so far, kept outside `state` so appends happen in place.
    private var partialBody: ByteBuffer? = nil

    var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    /// A content-carrying method arrived.
    mutating func methodReceived(_ method: Method) throws(AMQPClientError) {
        guard case .idle = state else {
            throw .unexpectedFrame("\(method.name) while a message's content was still arriving")
        }
        state = .awaitingHeader(method)
    }

    /// A header frame arrived; returns the message when its body is empty.
    mutating func headerReceived(_ header: ContentHeader) throws(AMQPClientError) -> Message? {
        guard case .awaitingHeader(let method) = state else {
            throw .unexpectedFrame("content header without a content method")
        }
        if header.bodySize == 0 {
            state = .idle
            return Message(method: method, header: header, body: ByteBuffer())
        }
        state = .awaitingBody(method, header)
        return nil
    }

    /// A body frame arrived; returns the message once `bodySize` bytes are in.
    mutating func bodyReceived(_ chunk: ByteBuffer) throws(AMQPClientError) -> Message? {
        guard case .awaitingBody(let method, let header) = state else {
            throw .unexpectedFrame("content body without a content header")
        }
        let expected = Int(clamping: header.bodySize)
        if partialBody == nil, chunk.readableBytes == expected {
            state = .idle
            return Message(method: method, header: header, body: chunk)
        }
        if partialBody == nil {
            partialBody = ByteBuffer()
            partialBody!.reserveCapacity(expected)
        }
        var chunk = chunk
        partialBody!.writeBuffer(&chunk)
        let received = partialBody!.readableBytes
        guard received <= expected else {
            throw .unexpectedFrame("content body longer than the header's body size \(expected)")
        }
        guard received == expected else { return nil }
        state = .idle
        defer { partialBody = nil }
        return Message(method: method, header: header, body: partialBody!)
    }
}
