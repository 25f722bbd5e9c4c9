// QueueRuntime+Expires.swift: x-expires: a queue unused for that long is deleted.
import NIOCore

extension QueueRuntime {
    /// The queue was used (declared, read with basic.get, or its last consumer left): the
    /// x-expires countdown starts again; with consumers there is none.
    func markUsed() {
        unusedTimer?.cancel()
        unusedTimer = nil
        guard let expires = arguments.expires, consumerCount == 0, let host else { return }
        unusedTimer = host.loop.assumeIsolated().scheduleTask(in: .milliseconds(expires)) { [weak self] () -> Void in
            guard let self, self.consumerCount == 0 else { return }
            self.host?.queueUnused(self)
        }
    }
}
