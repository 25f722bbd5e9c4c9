// QueueRuntime+Policy.swift: a policy set, changed or cleared takes effect on a queue that
// already exists, as in RabbitMQ: limits trim it, a new TTL applies to messages enqueued from
// then on, a new expiry restarts the unused countdown.
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
            // Messages already queued keep the TTL they were enqueued under (RabbitMQ fixes a
            // message's expiry on enqueue); the new one applies to later messages.
            for partition in partitions where partition.logEnd > (earlierTTLs[partition.index]?.last?.before ?? 0) {
                earlierTTLs[partition.index, default: []].append((partition.logEnd, old.messageTTL))
            }
            if old.messageTTL != nil { mayHoldExpiringMessages = true }
            scheduleHeadExpiry()
        }
        if new.expires != old.expires { markUsed() }
        if hasLengthLimit && new.overflow == .dropHead { dropHeadsOverLimit() }
        try? dispatch()
    }
}
