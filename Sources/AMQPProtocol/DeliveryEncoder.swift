// DeliveryEncoder.swift: basic.deliver, its content header and its body in one write.
import NIOCore

extension ByteBuffer {
    /// Writes a `basic.deliver` method frame, a content header frame around properties
    /// already encoded, and the body frames: the same bytes as `writeAMQPFrame(channel:method:)`,
    /// `writeAMQPContentHeader` and `writeAMQPBody`, but a body that fits one frame goes out
    /// with one capacity check and one copy per part (deliveries are the hot path out).
    public mutating func writeAMQPDelivery(channel: UInt16, consumerTag: String, deliveryTag: UInt64,
                                           redelivered: Bool, exchange: String, routingKey: String,
                                           rawProperties: ByteBuffer, body: ByteBuffer, frameSizeBytesMax: UInt32) {
        let chunkMax = Int(frameSizeBytesMax) - AMQPLimits.frameOverheadBytes
        // The strings are read where they are (no copies: a copy retains a long one).
        guard body.readableBytes <= chunkMax, body.readableBytes > 0,
              consumerTag.utf8.count <= 255, exchange.utf8.count <= 255, routingKey.utf8.count <= 255 else {
            writeAMQPFrame(channel: channel, method: .basicDeliver(.init(consumerTag: consumerTag, deliveryTag: deliveryTag,
                                                                         redelivered: redelivered, exchange: exchange,
                                                                         routingKey: routingKey)))
            writeAMQPContentHeader(channel: channel, bodySize: UInt64(body.readableBytes), rawProperties: rawProperties)
            writeAMQPBody(channel: channel, body: body, frameSizeBytesMax: frameSizeBytesMax)
            return
        }
        let methodSize = Self.deliverMethodSize(consumerTagBytes: consumerTag.utf8.count,
                                                exchangeBytes: exchange.utf8.count, routingKeyBytes: routingKey.utf8.count)
        let headerSize = Self.contentHeaderSize(propertiesBytes: rawProperties.readableBytes)
        let bodySize = body.readableBytes
        let total = 3 * AMQPLimits.frameOverheadBytes + methodSize + headerSize + bodySize
        writeWithUnsafeMutableBytes(minimumWritableBytes: total) { out in  // reserves `total` first
            var at = 0
            func byte(_ value: UInt8) { out[at] = value; at += 1 }
            func short(_ value: UInt16) { out.storeBytes(of: value.bigEndian, toByteOffset: at, as: UInt16.self); at += 2 }
            func long(_ value: UInt32) { out.storeBytes(of: value.bigEndian, toByteOffset: at, as: UInt32.self); at += 4 }
            func longLong(_ value: UInt64) { out.storeBytes(of: value.bigEndian, toByteOffset: at, as: UInt64.self); at += 8 }
            func bytes(_ raw: UnsafeRawBufferPointer) {
                guard let base = raw.baseAddress, !raw.isEmpty else { return }
                (out.baseAddress! + at).copyMemory(from: base, byteCount: raw.count)
                at += raw.count
            }
            func shortString(_ text: String) {
                byte(UInt8(text.utf8.count))
                let copied: Void? = text.utf8.withContiguousStorageIfAvailable { bytes(UnsafeRawBufferPointer($0)) }
                if copied == nil {
                    for value in text.utf8 { byte(value) }  // a bridged, non-contiguous string
                }
            }
            func frameStart(_ type: Frame.FrameType, size: Int) {
                byte(type.rawValue)
                short(channel)
                long(UInt32(size))
            }
            frameStart(.method, size: methodSize)
            short(AMQPClass.basic.rawValue)
            short(60)  // basic.deliver
            shortString(consumerTag)
            longLong(deliveryTag)
            byte(redelivered ? 1 : 0)
            shortString(exchange)
            shortString(routingKey)
            byte(Frame.endMarker)
            frameStart(.header, size: headerSize)
            short(AMQPClass.basic.rawValue)
            short(0)
            longLong(UInt64(bodySize))
            rawProperties.withUnsafeReadableBytes { bytes($0) }
            byte(Frame.endMarker)
            frameStart(.body, size: bodySize)
            body.withUnsafeReadableBytes { bytes($0) }
            byte(Frame.endMarker)
            return at
        }
    }

    /// Bytes `writeAMQPDelivery` writes for a delivery whose strings and buffers have these sizes
    /// (a body over one frame's payload in as many frames as it takes), so a writer of many can
    /// make room for them at once.
    public static func amqpDeliverySize(consumerTagBytes: Int, exchangeBytes: Int, routingKeyBytes: Int,
                                        propertiesBytes: Int, bodyBytes: Int, frameSizeBytesMax: UInt32) -> Int {
        let chunkMax = Swift.max(1, Int(frameSizeBytesMax) - AMQPLimits.frameOverheadBytes)
        let bodyFrames = (bodyBytes + chunkMax - 1) / chunkMax
        return (2 + bodyFrames) * AMQPLimits.frameOverheadBytes
            + deliverMethodSize(consumerTagBytes: consumerTagBytes, exchangeBytes: exchangeBytes,
                                routingKeyBytes: routingKeyBytes)
            + contentHeaderSize(propertiesBytes: propertiesBytes) + bodyBytes
    }

    /// The method payload: class, method, consumer-tag, delivery-tag, redelivered, exchange, key.
    @inline(__always)
    static func deliverMethodSize(consumerTagBytes: Int, exchangeBytes: Int, routingKeyBytes: Int) -> Int {
        4 + (1 + consumerTagBytes) + 8 + 1 + (1 + exchangeBytes) + (1 + routingKeyBytes)
    }

    /// The content header payload: class, weight, body size, then the properties.
    @inline(__always)
    static func contentHeaderSize(propertiesBytes: Int) -> Int { 12 + propertiesBytes }
}
