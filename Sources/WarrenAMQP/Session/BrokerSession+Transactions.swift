// BrokerSession+Transactions.swift: tx.select, tx.commit and tx.rollback.
import AMQPProtocol
import DequeModule
import NIOCore
import WarrenBroker

extension BrokerSession {
    func handleTransaction(_ method: Method, channel: UInt16) {
        guard channels.contains(channel) else { return }
        switch method {
        case .txSelect:
            if channels[channel]!.confirmMode {
                fail(ProtocolError(.preconditionFailed, "cannot switch from confirm to tx mode", method: method),
                     channel: channel)
                return
            }
            if channels[channel]!.transaction == nil { channels[channel]!.transaction = .init() }
            reply(.txSelectOk(.init()), channel: channel)
        case .txCommit:
            guard let transaction = channels[channel]!.transaction else {
                fail(ProtocolError(.preconditionFailed, "channel is not transactional", method: method), channel: channel)
                return
            }
            let state = channels[channel]!
            state.transaction = .init()
            // Publishes first, in order, then settlements; commit-ok once every message is stored.
            // `state` is held, not looked up per publish: a publish that fails closes the channel.
            let stored = transaction.publishes.map { content in
                let promise = context.eventLoop.makePromise(of: Void.self)
                store(content, channel: channel, state: state, promise: promise)
                return promise.futureResult
            }
            for step in transaction.settlements where !step.references.isEmpty {
                send(.settle(step.references, step.settlement))
            }
            let all = EventLoopFuture.andAllComplete(stored, on: context.eventLoop)
            whenDone(all, channel: channel, method: method) { _ in self.reply(.txCommitOk(.init()), channel: channel) }
        case .txRollback:
            guard let transaction = channels[channel]!.transaction else {
                fail(ProtocolError(.preconditionFailed, "channel is not transactional", method: method), channel: channel)
                return
            }
            // Acks not committed are undone: those deliveries are unacknowledged again.
            for step in transaction.settlements.reversed() {
                for unacked in step.unacked.reversed() {
                    let index = channels[channel]!.unacked.firstIndex { $0.tag > unacked.tag } ?? channels[channel]!.unacked.endIndex
                    channels[channel]!.unacked.insert(unacked, at: index)
                }
            }
            channels[channel]!.transaction = .init()
            reply(.txRollbackOk(.init()), channel: channel)
        default:
            break
        }
    }
}
