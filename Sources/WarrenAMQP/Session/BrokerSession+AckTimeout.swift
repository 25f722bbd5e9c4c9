// BrokerSession+AckTimeout.swift: RabbitMQ's consumer timeout: a delivery left unacknowledged
// too long closes its channel with 406, or (x-consumer-timeout-requeue) goes back to its queue.
import AMQPProtocol
import DequeModule
import NIOCore
import WarrenBroker

extension BrokerSession {
    /// Remembers an unacknowledged delivery, with its deadline when its queue has a timeout.
    func trackUnacked(_ delivery: Delivery, tag: UInt64, channel: UInt16) {
        var unacked = ChannelSession.Unacked(tag: tag, reference: delivery.reference)
        if let timeout = delivery.ackTimeout {
            let deadline = NIODeadline.now() + .milliseconds(timeout)
            unacked.deadline = deadline
            unacked.timeout = timeout
            unacked.requeueOnTimeout = delivery.ackTimeoutRequeues
            scheduleAckTimeoutCheck(at: deadline)
        }
        channels[channel]!.unacked.append(unacked)
    }

    private func scheduleAckTimeoutCheck(at deadline: NIODeadline) {
        if let scheduled = ackTimeoutCheck, scheduled.at <= deadline { return }
        ackTimeoutCheck?.task.cancel()
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] () -> Void in
            ackTimeoutCheck = nil
            checkAckTimeouts()
        }
        ackTimeoutCheck = (deadline, task)
    }

    /// Acts on every delivery past its deadline, then waits for the next deadline.
    func checkAckTimeouts() {
        let now = NIODeadline.now()
        var next: NIODeadline?
        for channel in channels.keys.sorted() {
            guard let state = channels[channel] else { continue }
            var requeue: [DeliveryReference] = []
            var closeWith: Int64?
            for unacked in state.unacked {
                guard let deadline = unacked.deadline else { continue }
                if deadline > now {
                    next = min(next ?? deadline, deadline)
                } else if unacked.requeueOnTimeout {
                    requeue.append(unacked.reference)
                } else {
                    closeWith = unacked.timeout
                    break
                }
            }
            if let timeout = closeWith {
                let text = "delivery acknowledgement on channel \(channel) timed out. Timeout value used: \(timeout) ms. This timeout value can be configured, see consumers doc guide to learn more"
                handler.run(handler.machine.channelFailed(channel, ProtocolError(.preconditionFailed, text)), context: context)
                continue
            }
            if !requeue.isEmpty {
                let expired = Set(requeue)
                channels[channel]!.unacked.removeAll { expired.contains($0.reference) }
                send(.settle(requeue, .requeue))
            }
        }
        if let next { scheduleAckTimeoutCheck(at: next) }
        handler.flushIfIdle(context: context)
    }
}
