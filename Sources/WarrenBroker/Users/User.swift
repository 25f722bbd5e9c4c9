// User.swift: users, their tags and their permissions per virtual host, as RabbitMQ keeps them.
import Foundation

/// A user: the password as RabbitMQ hashes it, and tags (administrator, monitoring,
/// management, policymaker) that decide what the management API lets them do.
public struct User: Sendable, Equatable {
    public var name: String
    /// `rabbit_password_hashing_sha256` of the password; nil: no password login (EXTERNAL only).
    public var passwordHash: String?
    public var tags: [String]

    public init(name: String, passwordHash: String?, tags: [String] = []) {
        self.name = name
        self.passwordHash = passwordHash
        self.tags = tags
    }

    /// A user whose password is hashed here.
    public init(name: String, password: String, tags: [String] = []) {
        self.init(name: name, passwordHash: PasswordHash.make(password), tags: tags)
    }
}

/// What a user may do in one virtual host: regular expressions over resource names for the
/// configure, write and read operations RabbitMQ checks.
public struct Permission: Sendable, Equatable {
    public var configure: String
    public var write: String
    public var read: String

    public init(configure: String, write: String, read: String) {
        self.configure = configure
        self.write = write
        self.read = read
    }

    public static let all = Permission(configure: ".*", write: ".*", read: ".*")
}

/// Patterns over the routing keys of one topic exchange (RabbitMQ's topic permissions):
/// `write` for the keys a user publishes with, `read` for the keys they bind queues with.
/// `{username}` and `{vhost}` in a pattern stand for the user's name and the vhost.
public struct TopicPermission: Sendable, Equatable {
    public var exchange: String
    public var write: String
    public var read: String

    public init(exchange: String, write: String, read: String) {
        self.exchange = exchange
        self.write = write
        self.read = read
    }
}

/// The three kinds of access RabbitMQ checks.
public enum Access: String, Sendable {
    case configure, write, read
}

/// Users and permissions as front doors read them: a value, so a login or an access check
/// reads one snapshot without waiting for the broker's loop.
public struct UserDirectory: Sendable {
    public private(set) var users: [String: User] = [:]
    /// vhost → user → permission.
    public private(set) var permissions: [String: [String: Permission]] = [:]
    /// vhost → user → exchange → topic permission.
    public private(set) var topicPermissions: [String: [String: [String: TopicPermission]]] = [:]
    /// vhost → limit name (`max-connections`, `max-queues`) → value; negative means none.
    public var vhostLimits: [String: [String: Int64]] = [:]
    /// user → limit name (`max-connections`, `max-channels`) → value; negative means none.
    public var userLimits: [String: [String: Int64]] = [:]
    /// Users that may log in from loopback addresses only (RabbitMQ's `loopback_users`).
    public var loopbackOnlyUsers: Set<String> = ["guest"]
    /// The virtual hosts that exist (front doors check `connection.open` against them).
    public internal(set) var virtualHosts: Set<String> = ["/"]

    public init() {}

    /// A vhost went: every permission and limit in it goes too.
    mutating func removeVirtualHost(_ vhost: String) {
        virtualHosts.remove(vhost)
        permissions[vhost] = nil
        topicPermissions[vhost] = nil
        vhostLimits[vhost] = nil
    }

    /// RabbitMQ's default: guest/guest, administrator, every permission on `/`.
    public static var withGuest: UserDirectory {
        var directory = UserDirectory()
        directory.put(User(name: "guest", password: "guest", tags: ["administrator"]))
        directory.setPermission(.all, user: "guest", vhost: "/")
        return directory
    }

    public mutating func put(_ user: User) { users[user.name] = user }

    /// Removes a user and every permission of theirs.
    public mutating func remove(user name: String) {
        users[name] = nil
        for vhost in permissions.keys { permissions[vhost]![name] = nil }
        for vhost in topicPermissions.keys { topicPermissions[vhost]![name] = nil }
        userLimits[name] = nil
    }

    /// A limit in force (non-negative), if any.
    public func vhostLimit(_ name: String, vhost: String) -> Int64? { vhostLimits[vhost]?[name].flatMap { $0 >= 0 ? $0 : nil } }
    public func userLimit(_ name: String, user: String) -> Int64? { userLimits[user]?[name].flatMap { $0 >= 0 ? $0 : nil } }

    public mutating func setTopicPermission(_ permission: TopicPermission, user: String, vhost: String) {
        topicPermissions[vhost, default: [:]][user, default: [:]][permission.exchange] = permission
    }

    /// Clears a user's topic permissions in a vhost: for one exchange, or all (nil).
    public mutating func clearTopicPermissions(user: String, vhost: String, exchange: String? = nil) {
        if let exchange { topicPermissions[vhost]?[user]?[exchange] = nil } else { topicPermissions[vhost]?[user] = nil }
    }

    /// Whether `user` may publish with (write) or bind with (read) `routingKey` on `exchange`.
    /// With no topic permission for that exchange, every key is allowed, as in RabbitMQ.
    public func allowsTopic(_ access: Access, user: String, vhost: String, exchange: String, routingKey: String,
                            patterns: PatternCache = PatternCache()) -> Bool {
        guard let permission = topicPermissions[vhost]?[user]?[exchange] else { return true }
        let pattern = (access == .write ? permission.write : permission.read)
            .replacingOccurrences(of: "{username}", with: NSRegularExpression.escapedPattern(for: user))
            .replacingOccurrences(of: "{vhost}", with: NSRegularExpression.escapedPattern(for: vhost))
        return patterns.matches(pattern, routingKey)
    }

    public mutating func setPermission(_ permission: Permission?, user: String, vhost: String) {
        permissions[vhost, default: [:]][user] = permission
    }

    /// The user when `password` is theirs and they may log in from this peer.
    public func authenticate(_ name: String, password: String, peerIsLoopback: Bool) -> User? {
        guard let user = users[name], let hash = user.passwordHash, PasswordHash.verify(password, against: hash),
              peerIsLoopback || !loopbackOnlyUsers.contains(name) else { return nil }
        return user
    }

    /// The user a verified certificate names (EXTERNAL): they must exist, no password asked.
    public func authenticateExternal(_ name: String, peerIsLoopback: Bool) -> User? {
        guard let user = users[name], peerIsLoopback || !loopbackOnlyUsers.contains(name) else { return nil }
        return user
    }

    public func permission(user: String, vhost: String) -> Permission? { permissions[vhost]?[user] }

    /// Whether `user` may `access` the resource `name` in `vhost` (RabbitMQ matches the
    /// pattern unanchored; an empty pattern allows nothing).
    public func allows(_ access: Access, user: String, vhost: String, resource name: String,
                       patterns: PatternCache = PatternCache()) -> Bool {
        guard let permission = permission(user: user, vhost: vhost) else { return false }
        let pattern: String
        switch access {
        case .configure: pattern = permission.configure
        case .write: pattern = permission.write
        case .read: pattern = permission.read
        }
        return patterns.matches(pattern, name)
    }
}

/// Compiled permission patterns, so a connection checking the same pattern for every publish
/// compiles it once. Owned by one connection's loop; not shared.
public final class PatternCache {
    private var compiled: [String: NSRegularExpression?] = [:]

    public init() {}

    /// Whether `pattern` (unanchored, as RabbitMQ matches) finds `name`; an empty or invalid
    /// pattern allows nothing.
    func matches(_ pattern: String, _ name: String) -> Bool {
        guard !pattern.isEmpty else { return false }
        // The default permission (RabbitMQ's `.*`) matches every name: no regular expression to run.
        if pattern == ".*" { return true }
        if compiled[pattern] == nil {
            if compiled.count >= 256 { compiled.removeAll() }  // patterns are few; bound it anyway
            compiled[pattern] = .some(try? NSRegularExpression(pattern: pattern))
        }
        guard let expression = compiled[pattern]! else { return false }
        return expression.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
    }
}
