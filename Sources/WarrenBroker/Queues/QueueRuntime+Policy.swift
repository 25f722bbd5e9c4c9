// QueueRuntime+Policy.swift: a policy set, changed or cleared takes effect on a queue that
// already exists, as in RabbitMQ: limits trim it, a new TTL expires its head, a new expiry
// restarts the unused countdown.
import NIOCore
import WarrenLog

extension QueueRuntime {
    /// Runs with `policy` from now on; does nothing when the effective arguments stay the same.
    func apply(policy: Policy?) {
        let new = QueueArguments.effective(definition, vhost: vhost, policy: policy)
        self.policy = policy
        guard new != arguments else { return }
        let old = arguments
        arguments = new
        if new.maxLengthBytes != nil && old.maxLengthBytes == nil { countReadyBytes() }
        if new.retention != old.retention {
            for partition in partitions { partition.log.setRetention(new.retention) }
            if isStream { applyRetention() }
        }
        if new.messageTTL != old.messageTTL {
            // Cached head expiries were computed with the old TTL.
            headExpiry.removeAll()
            expiryTimer?.task.cancel()
            expiryTimer = nil
            expireHeads()
            scheduleHeadExpiry()
        }
        if new.expires != old.expires { markUsed() }
        if hasLengthLimit && new.overflow == .dropHead { dropHeadsOverLimit() }
        try? dispatch()
    }
}
