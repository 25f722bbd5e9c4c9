// FrameEncoder.swift: writes frames into a ByteBuffer; many frames, one flush.
import NIOCore

extension ByteBuffer {
    /// Writes a method frame.
    public mutating func writeAMQPFrame(channel: UInt16, method: Method) {
        let sizeIndex = writeFrameStart(type: .method, channel: channel)
        method.encode(into: &self)
        writeFrameEnd(sizeIndex: sizeIndex)
    }

    /// Writes a content header frame.
    public mutating func writeAMQPFrame(channel: UInt16, header: ContentHeader) {
        let sizeIndex = writeFrameStart(type: .header, channel: channel)
        header.encode(into: &self)
        writeFrameEnd(sizeIndex: sizeIndex)
    }

    /// Writes a heartbeat frame (always on channel 0).
    public mutating func writeAMQPHeartbeat() {
        writeBytes([Frame.FrameType.heartbeat.rawValue, 0, 0, 0, 0, 0, 0, Frame.endMarker])
    }

    /// Writes body frames of at most `frameSizeBytesMax` bytes each (framing included).
    public mutating func writeAMQPBody(channel: UInt16, body: ByteBuffer, frameSizeBytesMax: UInt32) {
        let chunkMax = Int(frameSizeBytesMax) - AMQPLimits.frameOverheadBytes
        precondition(chunkMax > 0, "frame_max below the framing overhead")
        var rest = body
        while rest.readableBytes > 0 {
            var chunk = rest.readSlice(length: Swift.min(chunkMax, rest.readableBytes))!
            writeInteger(Frame.FrameType.body.rawValue)
            writeInteger(channel)
            writeInteger(UInt32(chunk.readableBytes))
            writeBuffer(&chunk)
            writeInteger(Frame.endMarker)
        }
    }

    /// Writes a whole message: method, header and body frames.
    public mutating func writeAMQPContent(channel: UInt16, method: Method, header: ContentHeader,
                                          body: ByteBuffer, frameSizeBytesMax: UInt32) {
        writeAMQPFrame(channel: channel, method: method)
        writeAMQPFrame(channel: channel, header: header)
        writeAMQPBody(channel: channel, body: body, frameSizeBytesMax: frameSizeBytesMax)
    }

    /// Writes any decoded frame back to bytes (used by tests and proxies).
    public mutating func writeAMQPFrame(_ frame: Frame) {
        switch frame.payload {
        case .method(let method): writeAMQPFrame(channel: frame.channel, method: method)
        case .header(let header): writeAMQPFrame(channel: frame.channel, header: header)
        case .heartbeat:
            // Kept on the frame's own channel, so a decoded frame re-encodes to the same bytes
            // (a heartbeat off channel 0 is refused by the connection, not by the codec).
            writeBytes([Frame.FrameType.heartbeat.rawValue])
            writeInteger(frame.channel)
            writeBytes([0, 0, 0, 0, Frame.endMarker])
        case .body(var body):
            writeInteger(Frame.FrameType.body.rawValue)
            writeInteger(frame.channel)
            writeInteger(UInt32(body.readableBytes))
            writeBuffer(&body)
            writeInteger(Frame.endMarker)
        }
    }

    private mutating func writeFrameStart(type: Frame.FrameType, channel: UInt16) -> Int {
        writeInteger(type.rawValue)
        writeInteger(channel)
        let sizeIndex = writerIndex
        writeInteger(UInt32(0))
        return sizeIndex
    }

    private mutating func writeFrameEnd(sizeIndex: Int) {
        setInteger(UInt32(writerIndex - sizeIndex - 4), at: sizeIndex)
        writeInteger(Frame.endMarker)
    }
}

extension ByteBuffer {
    /// Writes a `basic` content header frame around properties already encoded (for example,
    /// kept verbatim in the log), without decoding them.
    public mutating func writeAMQPContentHeader(channel: UInt16, bodySize: UInt64, rawProperties: ByteBuffer) {
        writeInteger(Frame.FrameType.header.rawValue)
        writeInteger(channel)
        writeInteger(UInt32(12 + rawProperties.readableBytes))
        writeInteger(AMQPClass.basic.rawValue)
        writeInteger(UInt16(0))
        writeInteger(bodySize)
        writeImmutableBuffer(rawProperties)
        writeInteger(Frame.endMarker)
    }
}
