// BasicProperties.swift: the 14 content properties of class `basic`.
//
// Wire layout after the content header's class id, weight and body size:
//   short property flags: bit 15 content-type ... bit 2 cluster-id; bit 0 means another
//   flags word follows (never set for basic, accepted and skipped when set to zero bits)
//   then each present property in flag order:
//   content-type shortstr, content-encoding shortstr, headers table, delivery-mode octet,
//   priority octet, correlation-id shortstr, reply-to shortstr, expiration shortstr,
//   message-id shortstr, timestamp longlong, type shortstr, user-id shortstr,
//   app-id shortstr, cluster-id shortstr
import NIOCore

/// Content properties of a `basic` message. Absent properties are nil.
public struct BasicProperties: Equatable, Sendable {
    public var contentType: String?
    public var contentEncoding: String?
    public var headers: FieldTable?
    public var deliveryMode: UInt8?
    public var priority: UInt8?
    public var correlationID: String?
    public var replyTo: String?
    public var expiration: String?
    public var messageID: String?
    public var timestamp: UInt64?
    public var type: String?
    public var userID: String?
    public var appID: String?
    public var clusterID: String?

    public init(
        contentType: String? = nil, contentEncoding: String? = nil, headers: FieldTable? = nil,
        deliveryMode: UInt8? = nil, priority: UInt8? = nil, correlationID: String? = nil,
        replyTo: String? = nil, expiration: String? = nil, messageID: String? = nil,
        timestamp: UInt64? = nil, type: String? = nil, userID: String? = nil,
        appID: String? = nil, clusterID: String? = nil
    ) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.headers = headers
        self.deliveryMode = deliveryMode
        self.priority = priority
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.expiration = expiration
        self.messageID = messageID
        self.timestamp = timestamp
        self.type = type
        self.userID = userID
        self.appID = appID
        self.clusterID = clusterID
    }

    /// True when delivery-mode is 2 (persistent).
    public var isPersistent: Bool { deliveryMode == 2 }
}

extension BasicProperties {
    enum Flag {
        static let contentType: UInt16 = 1 << 15
        static let contentEncoding: UInt16 = 1 << 14
        static let headers: UInt16 = 1 << 13
        static let deliveryMode: UInt16 = 1 << 12
        static let priority: UInt16 = 1 << 11
        static let correlationID: UInt16 = 1 << 10
        static let replyTo: UInt16 = 1 << 9
        static let expiration: UInt16 = 1 << 8
        static let messageID: UInt16 = 1 << 7
        static let timestamp: UInt16 = 1 << 6
        static let type: UInt16 = 1 << 5
        static let userID: UInt16 = 1 << 4
        static let appID: UInt16 = 1 << 3
        static let clusterID: UInt16 = 1 << 2
        static let continuation: UInt16 = 1
    }

    /// Decodes property flags and the property list.
    public static func decode(from buffer: inout ByteBuffer) throws(AMQPDecodingError) -> BasicProperties {
        let flags = try buffer.readAMQPShort()
        var more = flags & Flag.continuation != 0
        while more {
            // Later flag words carry no basic properties; read them to stay aligned.
            more = try buffer.readAMQPShort() & Flag.continuation != 0
        }
        var p = BasicProperties()
        if flags & Flag.contentType != 0 { p.contentType = try buffer.readAMQPShortString() }
        if flags & Flag.contentEncoding != 0 { p.contentEncoding = try buffer.readAMQPShortString() }
        if flags & Flag.headers != 0 { p.headers = try buffer.readAMQPFieldTable() }
        if flags & Flag.deliveryMode != 0 { p.deliveryMode = try buffer.readAMQPOctet() }
        if flags & Flag.priority != 0 { p.priority = try buffer.readAMQPOctet() }
        if flags & Flag.correlationID != 0 { p.correlationID = try buffer.readAMQPShortString() }
        if flags & Flag.replyTo != 0 { p.replyTo = try buffer.readAMQPShortString() }
        if flags & Flag.expiration != 0 { p.expiration = try buffer.readAMQPShortString() }
        if flags & Flag.messageID != 0 { p.messageID = try buffer.readAMQPShortString() }
        if flags & Flag.timestamp != 0 { p.timestamp = try buffer.readAMQPLongLong() }
        if flags & Flag.type != 0 { p.type = try buffer.readAMQPShortString() }
        if flags & Flag.userID != 0 { p.userID = try buffer.readAMQPShortString() }
        if flags & Flag.appID != 0 { p.appID = try buffer.readAMQPShortString() }
        if flags & Flag.clusterID != 0 { p.clusterID = try buffer.readAMQPShortString() }
        return p
    }

    /// Encodes property flags and the property list.
    public func encode(into buffer: inout ByteBuffer) {
        let flagsIndex = buffer.writerIndex
        var flags: UInt16 = 0
        buffer.writeInteger(flags)
        if let v = contentType { flags |= Flag.contentType; buffer.writeAMQPShortString(v) }
        if let v = contentEncoding { flags |= Flag.contentEncoding; buffer.writeAMQPShortString(v) }
        if let v = headers { flags |= Flag.headers; buffer.writeAMQPFieldTable(v) }
        if let v = deliveryMode { flags |= Flag.deliveryMode; buffer.writeInteger(v) }
        if let v = priority { flags |= Flag.priority; buffer.writeInteger(v) }
        if let v = correlationID { flags |= Flag.correlationID; buffer.writeAMQPShortString(v) }
        if let v = replyTo { flags |= Flag.replyTo; buffer.writeAMQPShortString(v) }
        if let v = expiration { flags |= Flag.expiration; buffer.writeAMQPShortString(v) }
        if let v = messageID { flags |= Flag.messageID; buffer.writeAMQPShortString(v) }
        if let v = timestamp { flags |= Flag.timestamp; buffer.writeInteger(v) }
        if let v = type { flags |= Flag.type; buffer.writeAMQPShortString(v) }
        if let v = userID { flags |= Flag.userID; buffer.writeAMQPShortString(v) }
        if let v = appID { flags |= Flag.appID; buffer.writeAMQPShortString(v) }
        if let v = clusterID { flags |= Flag.clusterID; buffer.writeAMQPShortString(v) }
        buffer.setInteger(flags, at: flagsIndex)
    }
}
