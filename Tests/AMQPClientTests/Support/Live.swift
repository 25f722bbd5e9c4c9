// Live.swift: settings for tests that run against a real broker (RabbitMQ now, Warren later).
import AMQPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
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

/// Runs `body`, failing with `timedOut` if it has not finished `seconds` after it started. The
/// deadline is a task scheduled on an event loop that fails the same promise the body completes.
func withTimeout<T: Sendable>(_ seconds: Int, _ what: String,
                              _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let loop = MultiThreadedEventLoopGroup.singleton.next()
    let promise = loop.makePromise(of: T.self)
    // Whichever comes first completes the promise; the other finds it done.
    let settled = NIOLockedValueBox(false)
    @Sendable func complete(_ result: Result<T, any Error>) {
        guard settled.withLockedValue({ done in defer { done = true }; return !done }) else { return }
        promise.completeWith(result)
    }
    let deadline = loop.scheduleTask(in: .seconds(Int64(seconds))) { complete(.failure(LiveTestError.timedOut(what))) }
    let work = Task {
        do { complete(.success(try await body())) } catch { complete(.failure(error)) }
    }
    defer {
        deadline.cancel()
        work.cancel()
    }
    return try await promise.futureResult.get()
}
