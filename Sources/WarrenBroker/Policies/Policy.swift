// Policy.swift: a policy: a pattern over queue or exchange names and the settings it gives them.
import Foundation

/// What a policy applies to, as RabbitMQ names it (`apply-to`).
public enum PolicyTarget: String, Sendable, CaseIterable {
    case queues, exchanges, all
    case classicQueues = "classic_queues"
    case quorumQueues = "quorum_queues"
    case streams

    /// Whether a queue of `type` is in this target.
    func includes(queueOf type: QueueType) -> Bool {
        switch self {
        case .queues, .all: return true
        case .exchanges: return false
        case .classicQueues: return type == .classic
        case .quorumQueues: return type == .quorum
        case .streams: return type == .stream
        }
    }
}

/// A policy of one virtual host. Of the policies whose pattern matches a queue's name, the one
/// with the highest priority applies (ties go to the name first in sort order); its definition
/// fills in, or bounds, the queue's x-arguments (see `QueueArguments+Policy.swift`).
public struct Policy: Sendable, Equatable {
    public var name: String
    /// A regular expression over entity names (unanchored, as in RabbitMQ: `^` and `$` anchor).
    public var pattern: String
    public var applyTo: PolicyTarget
    public var priority: Int
    /// Setting name (`max-length`, `message-ttl`...) to value, in key order.
    public var definition: ArgumentTable

    public init(name: String, pattern: String, applyTo: PolicyTarget = .all, priority: Int = 0,
                definition: ArgumentTable) {
        self.name = name
        self.pattern = pattern
        self.applyTo = applyTo
        self.priority = priority
        self.definition = definition
    }
}

/// A policy with its pattern compiled; lives on the broker loop.
struct CompiledPolicy {
    let policy: Policy
    let expression: NSRegularExpression

    init(_ policy: Policy) throws(PolicyError) {
        self.policy = policy
        do {
            expression = try NSRegularExpression(pattern: policy.pattern)
        } catch {
            throw PolicyError("pattern should be regular expression but is invalid: \(policy.pattern)")
        }
    }

    func matches(_ name: String) -> Bool {
        expression.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
    }
}

extension [CompiledPolicy] {
    /// The policy that applies to queue `name` of `type`: highest priority, then first name.
    func forQueue(_ name: String, type: QueueType) -> Policy? {
        filter { $0.policy.applyTo.includes(queueOf: type) && $0.matches(name) }
            .map(\.policy)
            .min { ($0.priority, $1.name) > ($1.priority, $0.name) }
    }
}

/// A policy RabbitMQ would refuse; `reason` is RabbitMQ's text ("Validation failed" follows it
/// in the HTTP API's answer).
public struct PolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
