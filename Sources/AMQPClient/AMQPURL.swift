// AMQPURL.swift: parses amqp://user:pass@host:port/vhost as RabbitMQ's URI spec describes.

/// Connection parameters taken from an `amqp://` URI.
public struct AMQPURL: Equatable, Sendable {
    /// Host name or address.
    public var host: String
    /// TCP port (5672 when the URI names none).
    public var port: Int
    /// User name for SASL PLAIN.
    public var username: String
    /// Password for SASL PLAIN.
    public var password: String
    /// Virtual host (`/` when the URI has no path).
    public var virtualHost: String

    /// Creates connection parameters; the defaults are RabbitMQ's.
    public init(host: String = "127.0.0.1", port: Int = 5672, username: String = "guest",
                password: String = "guest", virtualHost: String = "/") {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.virtualHost = virtualHost
    }

    /// Errors for URIs that cannot be used.
    public enum ParseError: Error, Equatable {
        /// The scheme is not `amqp`.
        case unsupportedScheme(String)
        /// The port is not a number in 1...65535.
        case invalidPort(String)
        /// A `%` is not followed by two hex digits.
        case invalidPercentEncoding(String)
    }

    /// Parses `amqp://[user[:pass]@]host[:port][/vhost]`. An absent path means vhost `/`,
    /// an empty path (`.../`) also means `/` and `%2f` decodes to `/`.
    public init(parsing text: String) throws {
        guard text.hasPrefix("amqp://") else {
            throw ParseError.unsupportedScheme(String(text.prefix(while: { $0 != ":" })))
        }
        var rest = Substring(text.dropFirst("amqp://".count))
        self.init()
        var pathPart: Substring? = nil
        if let slash = rest.firstIndex(of: "/") {
            pathPart = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                username = try Self.percentDecode(userInfo[..<colon])
                password = try Self.percentDecode(userInfo[userInfo.index(after: colon)...])
            } else {
                username = try Self.percentDecode(userInfo)
            }
        }
        if let colon = rest.lastIndex(of: ":") {
            let portText = rest[rest.index(after: colon)...]
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw ParseError.invalidPort(String(portText))
            }
            port = value
            rest = rest[..<colon]
        }
        if !rest.isEmpty { host = String(rest) }
        if let pathPart, !pathPart.isEmpty { virtualHost = try Self.percentDecode(pathPart) }
    }

    static func percentDecode(_ text: Substring) throws -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next(), let low = iterator.next(),
                  let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else {
                throw ParseError.invalidPercentEncoding(String(text))
            }
            bytes.append(value)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
