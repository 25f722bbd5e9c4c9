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
///
/// A value type kept behind one shared reference (copied on write): a content header moves
/// through the decoder, the channel's state machine and the session as an 8-byte value instead
/// of some two hundred bytes, and a message without properties allocates nothing.
public struct BasicProperties: Equatable, Sendable {
    struct Fields: Equatable, Sendable {
        var contentType: String?
        var contentEncoding: String?
        var headers: FieldTable?
        var deliveryMode: UInt8?
        var priority: UInt8?
        var correlationID: String?
        var replyTo: String?
        var expiration: String?
        var messageID: String?
        var timestamp: UInt64?
        var type: String?
        var userID: String?
        var appID: String?
        var clusterID: String?
    }

    /// Never mutated while shared: `fields` changes only through `unique()`.
    final class Storage: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private static let none = Storage(Fields())
    private var storage: Storage

    init(fields: Fields) {
        storage = fields == Fields() ? Self.none : Storage(fields)
    }

    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        return storage
    }

    public var contentType: String? {
        get { storage.fields.contentType }
        set { unique().fields.contentType = newValue }
    }
    public var contentEncoding: String? {
        get { storage.fields.contentEncoding }
        set { unique().fields.contentEncoding = newValue }
    }
    public var headers: FieldTable? {
        get { storage.fields.headers }
        set { unique().fields.headers = newValue }
    }
    public var deliveryMode: UInt8? {
        get { storage.fields.deliveryMode }
        set { unique().fields.deliveryMode = newValue }
    }
    public var priority: UInt8? {
        get { storage.fields.priority }
        set { unique().fields.priority = newValue }
    }
    public var correlationID: String? {
        get { storage.fields.correlationID }
        set { unique().fields.correlationID = newValue }
    }
    public var replyTo: String? {
        get { storage.fields.replyTo }
        set { unique().fields.replyTo = newValue }
    }
    public var expiration: String? {
        get { storage.fields.expiration }
        set { unique().fields.expiration = newValue }
    }
    public var messageID: String? {
        get { storage.fields.messageID }
        set { unique().fields.messageID = newValue }
    }
    public var timestamp: UInt64? {
        get { storage.fields.timestamp }
        set { unique().fields.timestamp = newValue }
    }
    public var type: String? {
        get { storage.fields.type }
        set { unique().fields.type = newValue }
    }
    public var userID: String? {
        get { storage.fields.userID }
        set { unique().fields.userID = newValue }
    }
    public var appID: String? {
        get { storage.fields.appID }
        set { unique().fields.appID = newValue }
    }
    public var clusterID: String? {
        get { storage.fields.clusterID }
        set { unique().fields.clusterID = newValue }
    }

    private static let empty = BasicProperties()
    private static let persistentOnly = BasicProperties(deliveryMode: 2)
    private static let transientOnly = BasicProperties(deliveryMode: 1)

    /// Whether no property but the delivery mode is set, known without reading the fields:
    /// true for the shared values the decoder hands out for the commonest headers (no
    /// properties, or a delivery mode alone), false otherwise (also for equal values built
    /// some other way). A reader of many properties skips its getters when true: each call
    /// retains and releases the storage.
    public var setsAtMostDeliveryMode: Bool {
        storage === Self.none || storage === Self.persistentOnly.storage || storage === Self.transientOnly.storage
    }

    public init(
        contentType: String? = nil, contentEncoding: String? = nil, headers: FieldTable? = nil,
        deliveryMode: UInt8? = nil, priority: UInt8? = nil, correlationID: String? = nil,
        replyTo: String? = nil, expiration: String? = nil, messageID: String? = nil,
        timestamp: UInt64? = nil, type: String? = nil, userID: String? = nil,
        appID: String? = nil, clusterID: String? = nil
    ) {
        self.init(fields: Fields(contentType: contentType, contentEncoding: contentEncoding, headers: headers, deliveryMode: deliveryMode, priority: priority, correlationID: correlationID, replyTo: replyTo, expiration: expiration, messageID: messageID, timestamp: timestamp, type: type, userID: userID, appID: appID, clusterID: clusterID))
    }

    public static func == (lhs: BasicProperties, rhs: BasicProperties) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
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
        // The most common properties of all, none or a delivery mode alone, are shared values
        // (copy on write makes that safe): no fields to build and free per message.
        if let flags = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) {
            if flags == 0 {
                buffer.moveReaderIndex(forwardBy: 2)
                return Self.empty
            }
            if flags == Flag.deliveryMode, let mode = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt8.self),
               mode == 1 || mode == 2 {
                buffer.moveReaderIndex(forwardBy: 3)
                return mode == 2 ? Self.persistentOnly : Self.transientOnly
            }
        }
        let flags = try buffer.readAMQPShort()
        var more = flags & Flag.continuation != 0
        while more {
            // Later flag words carry no basic properties; read them to stay aligned.
            more = try buffer.readAMQPShort() & Flag.continuation != 0
        }
        var p = Fields()
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
        return BasicProperties(fields: p)
    }

    /// Encodes property flags and the property list.
    public func encode(into buffer: inout ByteBuffer) {
        let p = storage.fields
        let flagsIndex = buffer.writerIndex
        var flags: UInt16 = 0
        buffer.writeInteger(flags)
        if let v = p.contentType { flags |= Flag.contentType; buffer.writeAMQPShortString(v) }
        if let v = p.contentEncoding { flags |= Flag.contentEncoding; buffer.writeAMQPShortString(v) }
        if let v = p.headers { flags |= Flag.headers; buffer.writeAMQPFieldTable(v) }
        if let v = p.deliveryMode { flags |= Flag.deliveryMode; buffer.writeInteger(v) }
        if let v = p.priority { flags |= Flag.priority; buffer.writeInteger(v) }
        if let v = p.correlationID { flags |= Flag.correlationID; buffer.writeAMQPShortString(v) }
        if let v = p.replyTo { flags |= Flag.replyTo; buffer.writeAMQPShortString(v) }
        if let v = p.expiration { flags |= Flag.expiration; buffer.writeAMQPShortString(v) }
        if let v = p.messageID { flags |= Flag.messageID; buffer.writeAMQPShortString(v) }
        if let v = p.timestamp { flags |= Flag.timestamp; buffer.writeInteger(v) }
        if let v = p.type { flags |= Flag.type; buffer.writeAMQPShortString(v) }
        if let v = p.userID { flags |= Flag.userID; buffer.writeAMQPShortString(v) }
        if let v = p.appID { flags |= Flag.appID; buffer.writeAMQPShortString(v) }
        if let v = p.clusterID { flags |= Flag.clusterID; buffer.writeAMQPShortString(v) }
        buffer.setInteger(flags, at: flagsIndex)
    }
}
