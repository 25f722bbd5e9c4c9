// Live.swift: settings for tests that run against a real broker (RabbitMQ now, Warren later).
import AMQPClient
import Foundation
import NIOPosix

enum Live {
    /// The broker URL from `WARREN_TEST_AMQP_URL`; live tests are skipped when it is unset.
    static let url: AMQPURL? = ProcessInfo.processInfo.environment["WARREN_TEST_AMQP_URL"]
        .flatMap { try? AMQPURL(parsing: $0) }

    static var isEnabled: Bool { url != nil }

    /// Connects to the live broker.
    static func connect(connectionName: String = "AMQPClientTests") async throws -> AMQPConnection {
        guard let url else { throw LiveTestError.noURL }
        return try await AMQPConnection.connect(to: url, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                                configuration: .init(connectionName: connectionName))
    }

    /// A queue name no other run uses.
    static func queueName(_ purpose: String) -> String {
        "amqpclient-test-\(purpose)-\(UInt32.random(in: 0...UInt32.max))"
    }
}

enum LiveTestError: Error {
    case noURL
    case timedOut(String)
}

/// Runs `body`, failing with `timedOut` if it takes longer than `seconds`.
func withTimeout<T: Sendable>(_ seconds: Int, _ what: String,
                              _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw LiveTestError.timedOut(what)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
