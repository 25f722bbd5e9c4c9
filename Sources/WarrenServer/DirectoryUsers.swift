// ConfiguredUsers.swift: the management API logs in the broker's users, by their tags.
import WarrenBroker
import WarrenHTTP

/// HTTP basic auth against the broker's user directory (RabbitMQ's password hashes), with the
/// same loopback-only rule as AMQP; the user's tags decide what the API allows.
struct DirectoryUsers: ManagementAuthenticator {
    let broker: Broker

    func authenticate(username: String, password: String, peerIsLoopback: Bool) -> Set<String>? {
        broker.userDirectory.authenticate(username, password: password, peerIsLoopback: peerIsLoopback).map { Set($0.tags) }
    }
}
