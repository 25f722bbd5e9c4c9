// ConfiguredUsers.swift: the management API logs in the users the AMQP front door knows.
import WarrenAMQP
import WarrenHTTP

/// The AMQP configuration's users for HTTP basic auth, with the same loopback-only rule.
/// Every configured user is an administrator until users carry tags of their own.
struct ConfiguredUsers: ManagementAuthenticator {
    let users: [String: String]
    let loopbackOnly: Set<String>

    init(_ configuration: ConnectionConfiguration) {
        users = configuration.users
        loopbackOnly = configuration.loopbackOnlyUsers
    }

    func authenticate(username: String, password: String, peerIsLoopback: Bool) -> Set<String>? {
        guard users[username] == password, peerIsLoopback || !loopbackOnly.contains(username) else { return nil }
        return ["administrator"]
    }
}
