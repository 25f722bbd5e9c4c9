// Authentication.swift: PLAIN and AMQPLAIN responses, and the credential check.
import AMQPProtocol
import NIOCore
import WarrenBroker

/// Credentials taken from a `connection.start-ok` response.
struct Credentials: Equatable {
    var username: String
    var password: String

    /// Parses a SASL response for `mechanism`; nil when the bytes do not fit the mechanism.
    static func parse(mechanism: String, response: [UInt8]) -> Credentials? {
        switch mechanism {
        case "PLAIN":
            // [authzid] NUL authcid NUL passwd (RFC 4616)
            let parts = response.split(separator: 0, omittingEmptySubsequences: false)
            guard parts.count == 3 else { return nil }
            return Credentials(username: String(decoding: parts[1], as: UTF8.self),
                               password: String(decoding: parts[2], as: UTF8.self))
        case "AMQPLAIN":
            // A field table's entries without the table's size prefix: LOGIN and PASSWORD.
            var buffer = ByteBuffer()
            buffer.writeInteger(UInt32(response.count))
            buffer.writeBytes(response)
            guard let table = try? buffer.readAMQPFieldTable(),
                  let login = table["LOGIN"]?.string, let password = table["PASSWORD"]?.string else { return nil }
            return Credentials(username: login, password: password)
        default:
            return nil
        }
    }
}

extension ConnectionConfiguration {
    /// True when `credentials` name a known user with the right password, allowed from this peer.
    func accepts(_ credentials: Credentials, peerIsLoopback: Bool) -> Bool {
        if let directory {
            return directory().authenticate(credentials.username, password: credentials.password,
                                            peerIsLoopback: peerIsLoopback) != nil
        }
        guard let stored = users[credentials.username], stored == credentials.password else { return false }
        return peerIsLoopback || !loopbackOnlyUsers.contains(credentials.username)
    }

    /// True when a certificate's user name is a known user allowed from this peer (EXTERNAL).
    func acceptsExternal(_ username: String, peerIsLoopback: Bool) -> Bool {
        if let directory { return directory().authenticateExternal(username, peerIsLoopback: peerIsLoopback) != nil }
        return users[username] != nil && (peerIsLoopback || !loopbackOnlyUsers.contains(username))
    }

    /// Whether `user` may open `vhost`: they need a permission there (RabbitMQ's rule).
    func mayOpen(_ vhost: String, user: String) -> Bool {
        guard let directory else { return true }
        return directory().permission(user: user, vhost: vhost) != nil
    }
}
