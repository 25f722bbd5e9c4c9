// Broker+Policies.swift: policies for the management API and `warren ctl`.
import NIOCore

extension Broker {
    /// Creates or replaces `policy` in `vhost`; the result is true when it is new. Fails with
    /// `PolicyError` for a definition RabbitMQ would refuse, `BrokerError` for an unknown vhost.
    public func setPolicy(vhost: String, _ policy: Policy) -> EventLoopFuture<Bool> {
        onLoopRecording { state in try state.setPolicy(vhost: vhost, policy) }
    }

    /// Removes a policy; queues it applied to go back to their own arguments (or the next match).
    public func clearPolicy(vhost: String, name: String) -> EventLoopFuture<Void> {
        onLoopRecording { state in try state.clearPolicy(vhost: vhost, name: name) }
    }

    /// The policies of `vhost`, or of every vhost.
    public func policies(vhost: String? = nil) -> EventLoopFuture<[(vhost: String, policy: Policy)]> {
        onLoop { state in state.listPolicies(vhost: vhost) }
    }

    /// The name of the policy that applies to a queue, nil when none does or the queue is unknown.
    public func policyName(vhost: String, queue: String) -> EventLoopFuture<String?> {
        onLoop { state in state.queues[vhost]?[queue]?.policy?.name }
    }
}
