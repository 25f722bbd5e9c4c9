// PerfProducer.swift: one publishing connection. It runs on its channel's event loop: it
// publishes while the confirm window, the socket's writability and the rate allow, and
// starts again when a confirm arrives, the socket drains or the next rate slot comes.
import AMQPClient
import AMQPProtocol
import NIOConcurrencyHelpers
import NIOCore

final class PerfProducer: Sendable {
    let plan: PerfPlan
    let connection: AMQPConnection
    let channel: AMQPChannel
    let counters = PerfCounters()
    let end: UInt64
    private struct State {
        var sent: UInt64 = 0
        var outstanding = 0
        var started: UInt64 = 0
        var scheduled = false
        var done = false
    }
    private let state: NIOLoopBoundBox<State>
    private let finished = NIOLockedValueBox(false)

    init(plan: PerfPlan, connection: AMQPConnection, channel: AMQPChannel, end: UInt64) {
        self.plan = plan
        self.connection = connection
        self.channel = channel
        self.end = end
        self.state = NIOLoopBoundBox.makeBoxSendingValue(State(), eventLoop: channel.eventLoop)
    }

    var isDone: Bool { finished.withLockedValue { $0 } }

    func start() {
        channel.setConfirmListener { [self] confirm in
            state.value.outstanding -= confirm.settledCount
            counters.confirmed(confirm.settledCount, acked: confirm.acked)
            pump()
        }
        connection.setWritabilityHandler { [self] writable in
            if writable { channel.eventLoop.execute { self.pump() } }
        }
        channel.eventLoop.execute { [self] in
            state.value.started = PerfClock.now
            pump()
        }
    }

    private func pump() {
        guard !state.value.done else { return }
        let now = PerfClock.now
        if now >= end || plan.count.map({ state.value.sent >= UInt64($0) }) == true {
            state.value.done = true
            finished.withLockedValue { $0 = true }
            return
        }
        var allowed = UInt64.max
        if plan.rate > 0 {
            let due = UInt64(Double(now - state.value.started) / 1e9 * Double(plan.rate)) + 1
            allowed = due > state.value.sent ? due - state.value.sent : 0
        }
        if let count = plan.count { allowed = min(allowed, UInt64(count) - state.value.sent) }
        var burst: UInt64 = 0
        var properties = BasicProperties()
        if plan.persistent { properties.deliveryMode = 2 }
        let routingKey = plan.exchange.isEmpty ? plan.queue : ""
        while burst < min(allowed, 256), connection.isWritable,
              plan.confirmWindow == 0 || state.value.outstanding < plan.confirmWindow {
            var body = ByteBufferAllocator().buffer(capacity: plan.size)
            body.writeInteger(PerfClock.now, endianness: .little, as: UInt64.self)
            body.writeRepeatingByte(0x2a, count: plan.size - 8)
            channel.basicPublish(exchange: plan.exchange, routingKey: routingKey, body: body, properties: properties)
            state.value.sent += 1
            if plan.confirmWindow > 0 { state.value.outstanding += 1 }
            burst += 1
        }
        counters.published(burst)
        guard !state.value.scheduled else { return }
        if burst == min(allowed, 256) && allowed > 0 && connection.isWritable
            && (plan.confirmWindow == 0 || state.value.outstanding < plan.confirmWindow) {
            // More may go: yield to the loop (the burst is flushed at the end of this tick).
            state.value.scheduled = true
            channel.eventLoop.execute { [self] in
                state.value.scheduled = false
                pump()
            }
        } else if plan.rate > 0 && allowed == 0 || plan.confirmWindow == 0 && connection.isWritable {
            // Rate-limited: look again at the next slot (1 ms); also keeps the end-of-run check alive.
            state.value.scheduled = true
            channel.eventLoop.scheduleTask(in: .milliseconds(1)) { [self] in
                state.value.scheduled = false
                pump()
            }
        } else if plan.confirmWindow > 0 && state.value.outstanding >= plan.confirmWindow {
            // A confirm calls pump again; a timer covers the end of the run if none comes.
            state.value.scheduled = true
            channel.eventLoop.scheduleTask(in: .milliseconds(100)) { [self] in
                state.value.scheduled = false
                pump()
            }
        }
    }
}
