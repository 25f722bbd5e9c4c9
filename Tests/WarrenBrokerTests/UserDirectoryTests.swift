import Logging
import NIOCore
import NIOPosix
import Testing
@testable import WarrenBroker

/// Logins and access decisions on the user directory, without a broker.
@Suite struct UserDirectoryTests {
    static func directory() -> UserDirectory {
        var directory = UserDirectory.withGuest
        directory.put(User(name: "svc.a", password: "pw", tags: ["management"]))
        directory.setPermission(Permission(configure: "^svc-", write: "", read: ".*"), user: "svc.a", vhost: "/")
        directory.setTopicPermission(TopicPermission(exchange: "amq.topic", write: "^{username}\\.{vhost}$", read: "^a\\."),
                                     user: "svc.a", vhost: "/")
        return directory
    }

    @Test func loginsCheckTheHashAndTheLoopbackRule() {
        let directory = Self.directory()
        #expect(directory.authenticate("guest", password: "guest", peerIsLoopback: true)?.tags == ["administrator"])
        #expect(directory.authenticate("guest", password: "guest", peerIsLoopback: false) == nil)
        #expect(directory.authenticate("svc.a", password: "pw", peerIsLoopback: false) != nil)
        #expect(directory.authenticate("svc.a", password: "wrong", peerIsLoopback: true) == nil)
        #expect(directory.authenticate("nobody", password: "pw", peerIsLoopback: true) == nil)
        #expect(directory.authenticateExternal("svc.a", peerIsLoopback: false) != nil)
        #expect(directory.authenticateExternal("nobody", peerIsLoopback: true) == nil)
    }

    @Test func patternsAreUnanchoredAndAnEmptyOneAllowsNothing() {
        let directory = Self.directory()
        #expect(directory.allows(.configure, user: "svc.a", vhost: "/", resource: "svc-orders"))
        #expect(!directory.allows(.configure, user: "svc.a", vhost: "/", resource: "orders"))
        #expect(!directory.allows(.write, user: "svc.a", vhost: "/", resource: "amq.default"))
        #expect(directory.allows(.read, user: "svc.a", vhost: "/", resource: "anything"))
        #expect(!directory.allows(.read, user: "svc.a", vhost: "other", resource: "anything"))
    }

    @Test func topicPatternsExpandTheUserAndVhostLiterally() {
        let directory = Self.directory()
        // {username} is "svc.a" with its dot taken literally, so "svcXa" does not pass.
        #expect(directory.allowsTopic(.write, user: "svc.a", vhost: "/", exchange: "amq.topic", routingKey: "svc.a./"))
        #expect(!directory.allowsTopic(.write, user: "svc.a", vhost: "/", exchange: "amq.topic", routingKey: "svcXa./"))
        #expect(directory.allowsTopic(.read, user: "svc.a", vhost: "/", exchange: "amq.topic", routingKey: "a.b"))
        #expect(!directory.allowsTopic(.read, user: "svc.a", vhost: "/", exchange: "amq.topic", routingKey: "b.a"))
        // No topic permission on another exchange: every key passes.
        #expect(directory.allowsTopic(.write, user: "svc.a", vhost: "/", exchange: "events", routingKey: "x"))
        var removed = directory
        removed.remove(user: "svc.a")
        #expect(removed.permission(user: "svc.a", vhost: "/") == nil && removed.topicPermissions["/"]?["svc.a"] == nil)
    }
}

/// `loopback_users` from the broker's configuration reaches the logins' snapshot.
@Suite struct LoopbackUsersTests {
    @Test func guestMayComeFromAnywhereWhenNoUserIsLoopbackOnly() throws {
        var configuration = BrokerConfiguration(dataDirectory: "/tmp/warren-loopback-test-\(UInt64.random(in: 0...UInt64.max))")
        configuration.loopbackOnlyUsers = []
        let broker = Broker(configuration: configuration, loop: BrokerTests.group.next(),
                            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        #expect(broker.userDirectory.authenticate("guest", password: "guest", peerIsLoopback: false) != nil)
        let strict = BrokerTests.makeBroker()
        #expect(strict.userDirectory.authenticate("guest", password: "guest", peerIsLoopback: false) == nil)
        try broker.shutdown().wait()
        try strict.shutdown().wait()
    }
}
