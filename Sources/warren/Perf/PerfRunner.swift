// PerfRunner.swift: sets up the queues, runs producers and consumers, prints a line a second
// and returns the summary.
import AMQPClient
import AMQPProtocol
import Foundation
import NIOCore
import NIOPosix

struct PerfRunner {
    let plan: PerfPlan

    func run() async throws -> PerfSummary {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        do {
            let summary = try await run(on: group)
            try? await group.shutdownGracefully()
            return summary
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private func run(on group: MultiThreadedEventLoopGroup) async throws -> PerfSummary {
        let setup = try await AMQPConnection.connect(to: plan.url, eventLoopGroup: group)
        let channel = try await setup.openChannel()
        if !plan.exchange.isEmpty { try await channel.exchangeDeclare(plan.exchange, type: "fanout", durable: plan.durable) }
        for name in plan.queueNames {
            _ = try await channel.queueDeclare(name, durable: plan.durable, arguments: plan.queueArguments)
            if !plan.exchange.isEmpty { try await channel.queueBind(queue: name, exchange: plan.exchange) }
        }

        var consumerCounters: [PerfCounters] = []
        var consumerConnections: [AMQPConnection] = []
        let groupNames = plan.groups > 0 ? (1...plan.groups).map { "perf-group-\($0)" } : [nil]
        for queue in plan.queueNames {
            for groupName in groupNames {
                for _ in 0..<plan.consumers {
                    let counters = PerfCounters()
                    consumerConnections.append(try await startConsumer(queue: queue, group: groupName, group: group, counters: counters))
                    consumerCounters.append(counters)
                }
            }
        }

        let started = PerfClock.now
        let end = started + UInt64(plan.seconds) * 1_000_000_000
        var producers: [PerfProducer] = []
        for _ in 0..<plan.producers {
            let connection = try await AMQPConnection.connect(to: plan.url, eventLoopGroup: group)
            let producerChannel = try await connection.openChannel()
            if plan.confirmWindow > 0 { try await producerChannel.confirmSelect() }
            producers.append(PerfProducer(plan: plan, connection: connection, channel: producerChannel, end: end))
        }
        for producer in producers { producer.start() }

        var total = PerfCounters.Snapshot()
        var lines: [String] = []
        var second = 0
        var publishingEnded: UInt64?
        let expectedCopies = UInt64(plan.copies) * UInt64(max(plan.consumers, 0) > 0 ? 1 : 0)
        var drainDeadline: UInt64?
        while true {
            try await Task.sleep(nanoseconds: 1_000_000_000)  // the reporting interval of the live line
            second += 1
            var interval = PerfCounters.Snapshot()
            for producer in producers { interval.add(producer.counters.take()) }
            for counters in consumerCounters { interval.add(counters.take()) }
            total.add(interval)
            let line = String(format: "%3ds  sent %9.0f msg/s  confirmed %9.0f msg/s  received %9.0f msg/s  latency p50 %7.3f ms  p99 %7.3f ms",
                              second, Double(interval.published), Double(interval.confirmed), Double(interval.received),
                              Double(interval.latency.percentile(50)) / 1e6, Double(interval.latency.percentile(99)) / 1e6)
            lines.append(line)
            FileHandle.standardError.write(Data((line + "\n").utf8))
            let publishing = producers.contains { !$0.isDone }
            if !publishing && publishingEnded == nil {
                publishingEnded = PerfClock.now
                drainDeadline = PerfClock.now + 30_000_000_000
            }
            if !publishing {
                let expected = total.published * expectedCopies
                if total.received >= expected || PerfClock.now > drainDeadline! { break }
            }
        }
        for producer in producers { try? await producer.connection.close() }
        for connection in consumerConnections { try? await connection.close() }
        if plan.cleanup {
            for name in plan.queueNames { _ = try? await channel.queueDelete(name) }
            if !plan.exchange.isEmpty { try? await channel.exchangeDelete(plan.exchange) }
        }
        try? await setup.close()
        let publishSeconds = Double((publishingEnded ?? PerfClock.now) - started) / 1e9
        let consumeSeconds = Double(max(total.lastReceiveNanoseconds, started + 1) - started) / 1e9
        return PerfSummary(plan: plan, totals: total, publishSeconds: publishSeconds, consumeSeconds: consumeSeconds,
                           lost: total.published * expectedCopies > total.received
                               ? total.published * expectedCopies - total.received : 0)
    }

    private func startConsumer(queue: String, group groupName: String?, group: any EventLoopGroup,
                               counters: PerfCounters) async throws -> AMQPConnection {
        let connection = try await AMQPConnection.connect(to: plan.url, eventLoopGroup: group)
        let channel = try await connection.openChannel()
        if plan.prefetch > 0 { try await channel.basicQos(prefetchCount: UInt16(plan.prefetch)) }
        var arguments = FieldTable()
        if let groupName { arguments["x-consumer-group"] = .longString(Array(groupName.utf8)) }
        if let offset = plan.streamOffset {
            arguments["x-stream-offset"] = Int64(offset).map { .int64($0) } ?? .longString(Array(offset.utf8))
        }
        let multiAck = UInt64(plan.multiAck)
        let autoAck = plan.autoAck
        // Deliveries not acked yet and the last tag; acks below the multi-ack count go out after
        // 100 ms without deliveries (as amqp-perf and PerfTest do), so a small prefetch never stalls.
        let pending = NIOLoopBoundBox.makeBoxSendingValue((count: UInt64(0), tag: UInt64(0), recent: false),
                                                          eventLoop: channel.eventLoop)
        _ = try await channel.basicConsume(queue: queue, noAck: autoAck, arguments: arguments) { delivery in
            let now = PerfClock.now
            let sent = delivery.body.getInteger(at: delivery.body.readerIndex, endianness: .little, as: UInt64.self) ?? now
            counters.received(latencyNanoseconds: now >= sent ? now - sent : 0, at: now)
            guard !autoAck else { return }
            pending.value.count += 1
            pending.value.tag = delivery.deliveryTag
            pending.value.recent = true
            if pending.value.count >= multiAck {
                channel.basicAck(deliveryTag: delivery.deliveryTag, multiple: multiAck > 1)
                pending.value.count = 0
            }
        }.get()
        if !autoAck && multiAck > 1 {
            channel.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) { task in
                if !connection.channel.isActive { task.cancel(); return }
                if pending.value.count > 0 && !pending.value.recent {
                    channel.basicAck(deliveryTag: pending.value.tag, multiple: true)
                    pending.value.count = 0
                }
                pending.value.recent = false
            }
        }
        return connection
    }
}
