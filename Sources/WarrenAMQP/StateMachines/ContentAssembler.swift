// ContentAssembler.swift: method -> header -> body frames of one published message.
import AMQPProtocol
import NIOCore

/// A message whose method, header and body frames have all arrived.
///
/// A reference, made once per message: the event carrying it passes through the channel and
/// connection state machines and the handler to the session, and as a value each step copied
/// it whole (the publish's names, the header's properties, the buffers: a retain per field and
/// a few hundred bytes moved) where it now retains one object.
public final class AssembledContent: Equatable, Sendable {
    public let publish: Basic.Publish
    public let header: ContentHeader
    public let body: ByteBuffer

    init(publish: Basic.Publish, header: ContentHeader, body: ByteBuffer) {
        self.publish = publish
        self.header = header
        self.body = body
    }

    public static func == (lhs: AssembledContent, rhs: AssembledContent) -> Bool {
        lhs === rhs || (lhs.publish == rhs.publish && lhs.header == rhs.header && lhs.body == rhs.body)
    }
}

/// Assembles `basic.publish` content. Errors follow RabbitMQ's texts and codes: a frame out of
/// order is 505 UNEXPECTED_FRAME; a body longer than the header declared is 501 FRAME_ERROR; a
/// header declaring more than `bodySizeMax` is 406, refused before any of the body is kept.
struct ContentAssembler {
    /// The largest body accepted (RabbitMQ's `max_message_size`).
    var bodySizeMax: UInt64 = UInt64(ConnectionConfiguration.messageSizeBytesMaxDefault)

    // The message being assembled, in stored properties rather than an enum's payloads: the
    // parts are moved into the result with `take()`, where taking an enum's state out copied
    // them (retaining their strings and buffers again) for every frame.
    /// The `basic.publish` whose content is expected; nil when idle.
    private var publish: Basic.Publish?
    /// Its content header, once it arrived.
    private var header: ContentHeader?
    /// The body fragments so far, when the body spans frames.
    private var body = ByteBuffer()

    init(bodySizeMax: UInt64 = UInt64(ConnectionConfiguration.messageSizeBytesMaxDefault)) {
        self.bodySizeMax = bodySizeMax
    }

    /// Without copying the publish out (`publish == nil` did, retaining its names).
    var isIdle: Bool {
        if case .none = publish { return true }
        return false
    }

    /// A `basic.publish` arrived: its header and body frames come next.
    mutating func publishReceived(_ publish: Basic.Publish) {
        precondition(isIdle, "publishReceived while assembling")
        self.publish = publish
    }

    /// A frame arrived while content was expected. Returns the message once complete.
    mutating func frameReceived(_ payload: Frame.Payload) throws(ProtocolError) -> AssembledContent? {
        precondition(!isIdle, "frameReceived while idle")
        guard let declared = header?.bodySize else {
            guard case .header(let received) = payload else {
                throw ProtocolError(.unexpectedFrame, "expected content header for class 60, got non content header frame instead",
                                    classID: 60, methodID: 40)
            }
            guard received.classID == AMQPClass.basic.rawValue else {
                throw ProtocolError(.unexpectedFrame,
                                    "expected content header for class 60, got one for class \(received.classID) instead",
                                    classID: 60, methodID: 40)
            }
            guard received.bodySize <= bodySizeMax else {
                // RabbitMQ checks the assembled message; checking the declared size says the same
                // and never buffers a body that will be refused.
                publish = nil
                throw ProtocolError(.preconditionFailed,
                                    "message size \(received.bodySize) is larger than configured max size \(bodySizeMax)",
                                    classID: 60, methodID: 40)
            }
            if received.bodySize == 0 {
                return AssembledContent(publish: publish.take()!, header: received, body: ByteBuffer())
            }
            header = received
            return nil
        }
        guard case .body(var fragment) = payload else {
            throw ProtocolError(.unexpectedFrame, "expected content body, got non content body frame instead",
                                classID: 60, methodID: 40)
        }
        let total = UInt64(body.readableBytes) + UInt64(fragment.readableBytes)
        guard total <= declared else {
            throw ProtocolError(.frameError, "content body of \(total) bytes exceeds the declared size \(declared)",
                                classID: 60, methodID: 40)
        }
        if total == declared && body.readableBytes == 0 {
            // The common case: the whole body in one frame. Keep the decoder's slice, no copy.
            return AssembledContent(publish: publish.take()!, header: header.take()!, body: fragment)
        }
        body.writeBuffer(&fragment)
        guard total == declared else { return nil }
        let complete = body
        body = ByteBuffer()
        return AssembledContent(publish: publish.take()!, header: header.take()!, body: complete)
    }
}
