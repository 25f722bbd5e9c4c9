// AMQPMessageFormat.swift: dead-lettering on AMQP 0-9-1 properties: x-death as RabbitMQ
// 3.13 writes it.
import AMQPProtocol
import NIOCore
import WarrenBroker

/// Reads CC keys, headers and earlier deaths from encoded basic properties, and writes the
/// dead-lettered copy's properties:
/// - `x-death`: one entry per (queue, reason), newest first; a repeated death increments the
///   entry's `count` and moves it to the front. An entry is the table
///   `count` (long), `reason`, `queue`, `time` (timestamp, seconds), `exchange`,
///   `routing-keys` (array), and `original-expiration` when the message had a per-message TTL.
/// - `x-first-death-{exchange,queue,reason}` once, `x-last-death-{exchange,queue,reason}` always;
/// - the `expiration` property removed, so the copy does not expire again downstream.
/// Other headers keep their values and types; header keys are written sorted, as RabbitMQ does
/// when it rewrites them.
public struct AMQPMessageFormat: MessageFormat {
    public init() {}

    public func deadLetterView(of properties: ByteBuffer) -> DeadLetterView {
        var copy = properties
        guard let decoded = try? BasicProperties.decode(from: &copy), let headers = decoded.headers else {
            return DeadLetterView(headers: nil, ccKeys: [], deaths: [])
        }
        var deaths: [(queue: String, reason: String)] = []
        if case .array(let entries)? = headers["x-death"] {
            for case .table(let entry) in entries {
                if let queue = entry["queue"]?.string, let reason = entry["reason"]?.string { deaths.append((queue, reason)) }
            }
        }
        return DeadLetterView(headers: ArgumentTable(headers), ccKeys: Self.keys(headers["CC"]), deaths: deaths)
    }

    public func deadLettered(_ properties: ByteBuffer, _ death: DeathEvent) -> ByteBuffer {
        var copy = properties
        guard var decoded = try? BasicProperties.decode(from: &copy) else { return properties }
        let originalExpiration = decoded.expiration
        decoded.expiration = nil
        var headers = decoded.headers ?? FieldTable()
        var deaths: [FieldValue] = []
        if case .array(let entries)? = headers["x-death"] { deaths = entries }
        let existing = deaths.firstIndex { value in
            guard case .table(let entry) = value else { return false }
            return entry["queue"]?.string == death.queue && entry["reason"]?.string == death.reason.rawValue
        }
        var entry: FieldTable
        if let existing, case .table(let previous) = deaths.remove(at: existing) {
            entry = previous
            entry["count"] = .int64((previous["count"]?.integer ?? 0) + 1)
        } else {
            entry = FieldTable()
            entry.entries = [
                .init(key: "count", value: .int64(1)),
                .init(key: "reason", value: .longString(Array(death.reason.rawValue.utf8))),
                .init(key: "queue", value: .longString(Array(death.queue.utf8))),
                .init(key: "time", value: .timestamp(UInt64(max(0, death.time)))),
                .init(key: "exchange", value: .longString(Array(death.exchange.utf8))),
                .init(key: "routing-keys", value: .array(death.routingKeys.map { .longString(Array($0.utf8)) })),
            ]
            if let originalExpiration {
                entry.entries.append(.init(key: "original-expiration", value: .longString(Array(originalExpiration.utf8))))
            }
        }
        deaths.insert(.table(entry), at: 0)
        headers["x-death"] = .array(deaths)
        let fields = [("exchange", death.exchange), ("queue", death.queue), ("reason", death.reason.rawValue)]
        if headers["x-first-death-reason"] == nil {
            for (name, value) in fields { headers["x-first-death-\(name)"] = .longString(Array(value.utf8)) }
        }
        for (name, value) in fields { headers["x-last-death-\(name)"] = .longString(Array(value.utf8)) }
        headers.entries.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        decoded.headers = headers
        var encoded = ByteBuffer()
        decoded.encode(into: &encoded)
        return encoded
    }

    /// Properties with RabbitMQ's `x-delivery-count` header (earlier deliveries of the
    /// message), as quorum queues add it.
    static func withDeliveryCount(_ properties: ByteBuffer, _ count: UInt32) -> ByteBuffer {
        if let spliced = splicingDeliveryCount(properties, count) { return spliced }
        var copy = properties
        guard var decoded = try? BasicProperties.decode(from: &copy) else { return properties }
        var headers = decoded.headers ?? FieldTable()
        headers["x-delivery-count"] = .int64(Int64(count))
        decoded.headers = headers
        var encoded = ByteBuffer()
        decoded.encode(into: &encoded)
        return encoded
    }

    /// The same bytes as decoding, adding the header and encoding again, for properties with
    /// no headers (every delivery of a quorum queue pays this): the flags gain the headers bit
    /// and the one-entry table goes in after content-type and content-encoding, the only
    /// properties before it. Nil when the properties have headers or more flag words.
    static func splicingDeliveryCount(_ properties: ByteBuffer, _ count: UInt32) -> ByteBuffer? {
        properties.withUnsafeReadableBytes { source -> ByteBuffer? in
            guard source.count >= 2 else { return nil }
            let flags = UInt16(source[0]) << 8 | UInt16(source[1])
            guard flags & 0x0001 == 0, flags & headersFlag == 0 else { return nil }
            var prefixEnd = 2
            // content-type and content-encoding, short strings, the only properties before headers
            if flags & 0x8000 != 0 {
                guard prefixEnd < source.count else { return nil }
                prefixEnd += 1 + Int(source[prefixEnd])
            }
            if flags & 0x4000 != 0 {
                guard prefixEnd < source.count else { return nil }
                prefixEnd += 1 + Int(source[prefixEnd])
            }
            guard prefixEnd <= source.count else { return nil }
            let entry = deliveryCountEntry
            let total = source.count + 4 + entry.count + 9
            var out = ByteBufferAllocator().buffer(capacity: total)
            out.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { target in
                target.storeBytes(of: (flags | headersFlag).bigEndian, toByteOffset: 0, as: UInt16.self)
                var at = 2
                func copy(_ bytes: UnsafeRawBufferPointer) {
                    guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
                    (target.baseAddress! + at).copyMemory(from: base, byteCount: bytes.count)
                    at += bytes.count
                }
                copy(UnsafeRawBufferPointer(rebasing: source[2..<prefixEnd]))
                target.storeBytes(of: UInt32(entry.count + 9).bigEndian, toByteOffset: at, as: UInt32.self)
                at += 4
                entry.withUnsafeBytes { copy($0) }
                target[at] = UInt8(ascii: "l")
                at += 1
                target.storeBytes(of: Int64(count).bigEndian, toByteOffset: at, as: Int64.self)
                at += 8
                copy(UnsafeRawBufferPointer(rebasing: source[prefixEnd...]))
                return at
            }
            return out
        }
    }

    private static let headersFlag: UInt16 = 0x2000
    /// The table entry's key as a short string.
    private static let deliveryCountEntry: [UInt8] = [16] + Array("x-delivery-count".utf8)

    /// Routing keys in a `CC` header: an array of strings, or one string.
    static func keys(_ value: FieldValue?) -> [String] {
        if case .array(let values)? = value { return values.compactMap(\.string) }
        return value?.string.map { [$0] } ?? []
    }
}
