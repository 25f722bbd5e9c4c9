// BasicAuthentication.swift: HTTP basic auth for the management API, with the users the
// AMQP front door knows (guest from loopback only, as RabbitMQ).
import Foundation
import Hummingbird

/// Checks a user's password and says which tags (administrator, monitoring, management,
/// policymaker) the user has; nil refuses the login.
public protocol ManagementAuthenticator: Sendable {
    func authenticate(username: String, password: String, peerIsLoopback: Bool) -> Set<String>?
}

/// Refuses every request without valid credentials with 401, as RabbitMQ does.
struct BasicAuthentication: RouterMiddleware {
    typealias Context = ManagementRequestContext
    let authenticator: any ManagementAuthenticator

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        // Prometheus scrapes without credentials, as from RabbitMQ's rabbitmq_prometheus.
        if request.uri.path == "/metrics" { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
              let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let decoded = String(data: data, encoding: .utf8), let colon = decoded.firstIndex(of: ":") else {
            throw APIError.loginFailed
        }
        let username = String(decoded[..<colon])
        let password = String(decoded[decoded.index(after: colon)...])
        guard let tags = authenticator.authenticate(username: username, password: password,
                                                    peerIsLoopback: context.peerIsLoopback) else {
            throw APIError.loginFailed
        }
        // The API is for users tagged for it, as in RabbitMQ.
        guard !tags.isDisjoint(with: ["management", "policymaker", "monitoring", "administrator"]) else {
            throw APIError(status: .unauthorized, error: "not_authorised", reason: "Not management user")
        }
        var context = context
        context.user = (username, tags)
        return try await next(request, context)
    }
}

extension ManagementRequestContext {
    /// Refuses users without one of `tags` (administrator always passes).
    func require(_ tags: Set<String>) throws {
        guard let user, !user.tags.isDisjoint(with: tags.union(["administrator"])) else {
            throw APIError(status: .unauthorized, error: "not_authorised", reason: "Not administrator user")
        }
    }

    /// A path parameter, percent-decoded (`%2F` is the vhost `/`).
    func decoded(_ name: String) throws -> String {
        guard let raw = parameters.get(name), let value = raw.removingPercentEncoding else { throw APIError.notFound }
        return value
    }
}
