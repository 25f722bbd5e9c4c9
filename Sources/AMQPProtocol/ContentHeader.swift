// ContentHeader.swift: the header frame that follows a content-carrying method.
//
// Payload layout: short class-id, short weight (always 0), longlong body size,
// then the class's property flags and list (see BasicProperties.swift).
import NIOCore

/// A content header. `rawProperties` holds the property flags and list exactly as they
/// arrived, so a redelivery or a `basic.get-ok` reproduces them byte for byte.
public struct ContentHeader: Equatable, Sendable {
    public var classID: UInt16
    public var bodySize: UInt64
    public var properties: BasicProperties
    /// The encoded property flags and list, as received (or as encoded from `properties`).
    public var rawProperties: ByteBuffer

    /// Builds a header from properties, encoding them once.
    public init(classID: UInt16 = AMQPClass.basic.rawValue, bodySize: UInt64, properties: BasicProperties) {
        self.classID = classID
        self.bodySize = bodySize
        self.properties = properties
        var raw = ByteBuffer()
        properties.encode(into: &raw)
        self.rawProperties = raw
    }

    /// Builds a header around properties already encoded (for example, read from the log).
    public init(classID: UInt16 = AMQPClass.basic.rawValue, bodySize: UInt64,
                rawProperties: ByteBuffer) throws(AMQPDecodingError) {
        var copy = rawProperties
        self.classID = classID
        self.bodySize = bodySize
        self.properties = try BasicProperties.decode(from: &copy)
        self.rawProperties = rawProperties
    }

    /// Decodes a header frame's payload.
    public static func decode(from buffer: inout ByteBuffer) throws(AMQPDecodingError) -> ContentHeader {
        let classID = try buffer.readAMQPShort()
        _ = try buffer.readAMQPShort()  // weight, unused
        let bodySize = try buffer.readAMQPLongLong()
        // A header for another class is decoded too (with basic's property layout): the
        // channel then refuses it as RabbitMQ does, with 505 and the class in the text.
        let raw = buffer.slice()
        let properties = try BasicProperties.decode(from: &buffer)
        let used = raw.readableBytes - buffer.readableBytes
        return ContentHeader(classID: classID, bodySize: bodySize, properties: properties,
                             rawProperties: raw.getSlice(at: raw.readerIndex, length: used)!)
    }

    /// A header from its parts, `rawProperties` being `properties` as encoded (as received);
    /// for a holder that kept the parts apart (the broker's assembled content).
    public init(classID: UInt16, bodySize: UInt64, properties: BasicProperties, rawProperties: ByteBuffer) {
        self.classID = classID
        self.bodySize = bodySize
        self.properties = properties
        self.rawProperties = rawProperties
    }

    /// Encodes the header frame's payload, using the raw property bytes.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(classID)
        buffer.writeInteger(UInt16(0))
        buffer.writeInteger(bodySize)
        var raw = rawProperties
        buffer.writeBuffer(&raw)
    }

    public static func == (lhs: ContentHeader, rhs: ContentHeader) -> Bool {
        lhs.classID == rhs.classID && lhs.bodySize == rhs.bodySize && lhs.rawProperties == rhs.rawProperties
    }
}
