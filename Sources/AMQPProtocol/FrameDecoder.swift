// FrameDecoder.swift: turns bytes into frames, checking frame_max before slicing and the
// 0xCE end marker after the payload.
import NIOCore

/// Decodes AMQP frames. `frameSizeBytesMax` is the negotiated frame_max: raise it after
/// `tune-ok` (it starts at the specification's minimum, 4096, as RabbitMQ's does).
public struct FrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = Frame

    /// Largest payload accepted. RabbitMQ lets a payload reach frame_max itself (it allows
    /// for the 8 bytes of framing), and so do we.
    public var frameSizeBytesMax: UInt32
    /// The last publish's names, shared by the next publish that repeats them.
    private var publishNames = PublishNames()

    public init(frameSizeBytesMax: UInt32 = AMQPLimits.frameSizeBytesMin) {
        self.frameSizeBytesMax = frameSizeBytesMax
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> Frame? {
        try decodeFrame(from: &buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> Frame? {
        try decode(buffer: &buffer)
    }

    /// How many more bytes the first frame in `buffer` needs: to complete its 7-byte header,
    /// then its payload and end marker (at least 1 while the frame is incomplete).
    public static func bytesLacking(in buffer: ByteBuffer) -> Int {
        guard let (_, _, size) = buffer.getFrameHeader() else { return 7 - buffer.readableBytes }
        return max(1, 7 + Int(size) + 1 - buffer.readableBytes)
    }

    /// Decodes one frame, or returns nil (consuming nothing) when bytes are still missing.
    public mutating func decodeFrame(from buffer: inout ByteBuffer) throws(AMQPDecodingError) -> Frame? {
        guard let (typeByte, channel, size) = buffer.getFrameHeader() else { return nil }
        guard let type = Frame.FrameType(rawValue: typeByte) else { throw .unknownFrameType(typeByte) }
        guard size <= frameSizeBytesMax else { throw .frameTooLarge(size: size, max: frameSizeBytesMax) }
        let total = 7 + Int(size) + 1
        guard buffer.readableBytes >= total else { return nil }
        let end = buffer.getInteger(at: buffer.readerIndex + total - 1, as: UInt8.self)!
        guard end == Frame.endMarker else { throw .invalidFrameEnd(end) }
        var payload = buffer.getSlice(at: buffer.readerIndex + 7, length: Int(size))!
        buffer.moveReaderIndex(forwardBy: total)
        switch type {
        case .method:
            return Frame(channel: channel, payload: .method(try Method.decode(from: &payload, names: &publishNames)))
        case .header:
            return Frame(channel: channel, payload: .header(try ContentHeader.decode(from: &payload)))
        case .body:
            return Frame(channel: channel, payload: .body(payload))
        case .heartbeat:
            return Frame(channel: channel, payload: .heartbeat)
        }
    }
}

extension ByteBuffer {
    fileprivate func getFrameHeader() -> (UInt8, UInt16, UInt32)? {
        guard let type = getInteger(at: readerIndex, as: UInt8.self),
              let channel = getInteger(at: readerIndex + 1, as: UInt16.self),
              let size = getInteger(at: readerIndex + 3, as: UInt32.self) else { return nil }
        return (type, channel, size)
    }
}

extension Method {
    /// Decodes a method frame's payload: class id, method id, arguments.
    public static func decode(from buffer: inout ByteBuffer) throws(AMQPDecodingError) -> Method {
        var names = PublishNames()
        return try decode(from: &buffer, names: &names)
    }

    /// `decode(from:)` sharing a publish's names with the last publish's (a frame decoder's).
    static func decode(from buffer: inout ByteBuffer, names: inout PublishNames) throws(AMQPDecodingError) -> Method {
        let classID = try buffer.readAMQPShort()
        let methodID = try buffer.readAMQPShort()
        do {
            return try decodeArguments(classID: classID, methodID: methodID, from: &buffer, names: &names)
        } catch .unknownMethod(let c, let m) {
            throw .unknownMethod(classID: c, methodID: m)
        } catch {
            throw .malformedMethod(classID: classID, methodID: methodID, reason: error.description)
        }
    }
}
