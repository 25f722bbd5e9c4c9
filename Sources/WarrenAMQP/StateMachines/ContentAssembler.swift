// ContentAssembler.swift: method -> header -> body frames of one published message.
import AMQPProtocol
import NIOCore
import WarrenBroker

/// A message whose method, header and body frames have all arrived.
///
/// A reference, made once per message: the event carrying it passes through the channel and
/// connection state machines and the handler to the session, and as a value each step copied
/// it whole (the publish's names, the header's properties, the buffers: a retain per field and
/// a few hundred bytes moved) where it now retains one object.
///
/// It is also the broker message's box (`Message.Shared`: exchange, routing key, raw
/// properties, body), so a publish stored as it arrived is one allocation and its fields are
/// held once; `publish` and `header` are put together from the parts when asked for.
public final class AssembledContent: Message.Shared, Equatable, @unchecked Sendable {
    /// `basic.publish`'s fields other than the names.
    public let ticket: UInt16
    public let mandatory: Bool
    public let immediate: Bool
    /// The content header's fields other than the raw properties.
    public let classID: UInt16
    public let bodySize: UInt64
    /// The properties decoded (`properties` holds them as they arrived).
    public let basicProperties: BasicProperties

    /// Takes the names out of `publish` (left empty) rather than copying them, which retained
    /// each once more here and released it again when the publish was dropped.
    init(taking publish: inout Basic.Publish, header: ContentHeader, body: ByteBuffer) {
        ticket = publish.ticket
        mandatory = publish.mandatory
        immediate = publish.immediate
        classID = header.classID
        bodySize = header.bodySize
        basicProperties = header.properties
        var exchange = "", routingKey = ""
        swap(&exchange, &publish.exchange)
        swap(&routingKey, &publish.routingKey)
        super.init(exchange: exchange, routingKey: routingKey, properties: header.rawProperties, body: body)
    }

    public var publish: Basic.Publish {
        Basic.Publish(ticket: ticket, exchange: exchange, routingKey: routingKey, mandatory: mandatory,
                      immediate: immediate)
    }

    public var header: ContentHeader {
        ContentHeader(classID: classID, bodySize: bodySize, properties: basicProperties, rawProperties: properties)
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
            if received.bodySize == 0 { return assembled(header: received, body: ByteBuffer()) }
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
            return assembled(header: header.take()!, body: fragment)
        }
        body.writeBuffer(&fragment)
        guard total == declared else { return nil }
        let complete = body
        body = ByteBuffer()
        return assembled(header: header.take()!, body: complete)
    }

    /// The message, its names taken out of the publish; the assembler is idle again.
    private mutating func assembled(header: ContentHeader, body: ByteBuffer) -> AssembledContent {
        var publish = publish.take()!
        return AssembledContent(taking: &publish, header: header, body: body)
    }
}
