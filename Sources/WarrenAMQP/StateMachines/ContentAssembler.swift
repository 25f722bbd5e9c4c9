// ContentAssembler.swift: method -> header -> body frames of one published message.
import AMQPProtocol
import NIOCore

/// A message whose method, header and body frames have all arrived.
public struct AssembledContent: Equatable, Sendable {
    public var publish: Basic.Publish
    public var header: ContentHeader
    public var body: ByteBuffer
}

/// Assembles `basic.publish` content. Errors follow RabbitMQ's texts and codes: a frame out of
/// order is 505 UNEXPECTED_FRAME; a body longer than the header declared is 501 FRAME_ERROR; a
/// header declaring more than `bodySizeMax` is 406, refused before any of the body is kept.
struct ContentAssembler {
    /// The largest body accepted (RabbitMQ's `max_message_size`).
    var bodySizeMax: UInt64 = UInt64(ConnectionConfiguration.messageSizeBytesMaxDefault)

    enum State {
        case idle
        case awaitingHeader(Basic.Publish)
        case awaitingBody(Basic.Publish, ContentHeader, ByteBuffer)
    }

    private(set) var state = State.idle

    var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    /// A `basic.publish` arrived: its header and body frames come next.
    mutating func publishReceived(_ publish: Basic.Publish) {
        precondition(isIdle, "publishReceived while assembling")
        state = .awaitingHeader(publish)
    }

    /// A frame arrived while content was expected. Returns the message once complete.
    ///
    /// The state is taken out (and put back where assembly goes on) rather than switched on
    /// with the payload as a tuple: the tuple copied both, retaining their strings and buffers
    /// again for every frame.
    mutating func frameReceived(_ payload: Frame.Payload) throws(ProtocolError) -> AssembledContent? {
        let current = state
        state = .idle
        // Consumed: a body bound below is then not shared with `current`, so appending a
        // fragment to it copies nothing.
        switch consume current {
        case .awaitingHeader(let publish):
            guard case .header(let header) = payload else {
                state = .awaitingHeader(publish)
                throw ProtocolError(.unexpectedFrame, "expected content header for class 60, got non content header frame instead",
                                    classID: 60, methodID: 40)
            }
            guard header.classID == AMQPClass.basic.rawValue else {
                state = .awaitingHeader(publish)
                throw ProtocolError(.unexpectedFrame,
                                    "expected content header for class 60, got one for class \(header.classID) instead",
                                    classID: 60, methodID: 40)
            }
            guard header.bodySize <= bodySizeMax else {
                // RabbitMQ checks the assembled message; checking the declared size says the same
                // and never buffers a body that will be refused.
                throw ProtocolError(.preconditionFailed,
                                    "message size \(header.bodySize) is larger than configured max size \(bodySizeMax)",
                                    classID: 60, methodID: 40)
            }
            if header.bodySize == 0 {
                return AssembledContent(publish: publish, header: header, body: ByteBuffer())
            }
            state = .awaitingBody(publish, header, ByteBuffer())
            return nil
        case .awaitingBody(let publish, let header, var body):
            guard case .body(var fragment) = payload else {
                state = .awaitingBody(publish, header, body)
                throw ProtocolError(.unexpectedFrame, "expected content body, got non content body frame instead",
                                    classID: 60, methodID: 40)
            }
            let total = UInt64(body.readableBytes) + UInt64(fragment.readableBytes)
            guard total <= header.bodySize else {
                state = .awaitingBody(publish, header, body)
                throw ProtocolError(.frameError, "content body of \(total) bytes exceeds the declared size \(header.bodySize)",
                                    classID: 60, methodID: 40)
            }
            if total == header.bodySize && body.readableBytes == 0 {
                // The common case: the whole body in one frame. Keep the decoder's slice, no copy.
                return AssembledContent(publish: publish, header: header, body: fragment)
            }
            // Neither `state` (idle) nor `current` (consumed) shares `body`: no copy-on-write.
            body.writeBuffer(&fragment)
            if total == header.bodySize {
                return AssembledContent(publish: publish, header: header, body: body)
            }
            state = .awaitingBody(publish, header, body)
            return nil
        case .idle:
            preconditionFailure("frameReceived while idle")
        }
    }
}
