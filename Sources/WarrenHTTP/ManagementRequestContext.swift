// ManagementRequestContext.swift: what a management API request carries besides the request:
// the peer's address (guest may log in from loopback only) and the user who logged in.
import Hummingbird
import NIOCore

/// The request context of the management API.
public struct ManagementRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's address; `guest` and other loopback-only users need a loopback one.
    public let remoteAddress: SocketAddress?
    /// The authenticated user and their tags, set by `BasicAuthentication`.
    public var user: (name: String, tags: Set<String>)?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Whether the peer is on this machine (127.0.0.0/8 or ::1).
    var peerIsLoopback: Bool {
        guard let remoteAddress else { return false }
        switch remoteAddress {
        case .v4: return remoteAddress.ipAddress?.hasPrefix("127.") ?? false
        case .v6: return remoteAddress.ipAddress == "::1"
        case .unixDomainSocket: return true
        }
    }
}
