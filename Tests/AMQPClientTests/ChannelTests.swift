// ChannelTests.swift: channel methods against a scripted server on an EmbeddedChannel:
// RPC matching, publish framing, confirms, delivery assembly, returns, cancels, closes.
@testable import AMQPClient
import AMQPProtocol
import NIOCore
import NIOEmbedded
import Testing

@Suite struct ChannelTests {
    @Test func queueDeclareIsAnsweredByDeclareOk() throws {
        let server = try FakeServer()
        let channel = try server.openChannel(try server.handshake())
        let declare = FutureResult(channel.queueDeclare("jobs", durable: true))
        let sent = try server.readMethods()
        #expect(sent.count == 1 && sent[0].0 == 1)
        #expect(sent.first?.1 == .queueDeclare(.init(queue: "jobs", durable: true)))
        #expect(declare.result == nil)
        try server.send(channel: 1, .queueDeclareOk(.init(queue: "jobs", messageCount: 5, consumerCount: 1)))
        #expect(declare.value == AMQPQueueDeclareResult(queue: "jobs", messageCount: 5, consumerCount: 1))
    }

    @Test func repliesAreMatchedInOrderAndAWrongReplyIsAProtocolError() throws {
        let server = try FakeServer()
        let connection = try server.handshake()
        let channel = try server.openChannel(connection)
        let bind = FutureResult(channel.queueBind(queue: "q", exchange: "amq.direct", routingKey: "k"))
        let unbind = FutureResult(channel.exchangeUnbind(destination: "d", source: "s"))
        _ = try server.readMethods()
        try server.send(channel: 1, .queueBindOk(.init()))
        try server.send(channel: 1, .exchangeUnbindOk(.init()))
        #expect(bind.error == nil && bind.result != nil)
        #expect(unbind.error == nil && unbind.result != nil)

        let purge = FutureResult(channel.queuePurge("q"))
        try server.send(channel: 1, .queueDeleteOk(.init(messageCount: 3)))
        guard case .unexpectedFrame = purge.clientError else {
            Issue.record("expected unexpectedFrame, got \(String(describing: purge.result))")
            return
        }
        let methods = try server.readMethods().map(\.1)
        guard case .connectionClose(let close) = methods.last else {
            Issue.record("expected connection.close, got \(methods)")
            return
        }
        #expect(close.replyCode == ReplyCode.unexpectedFrame.rawValue)
    }

    @Test func publishSplitsTheBodyAtFrameMax() throws {
        let server = try FakeServer()
        let connection = try server.handshake(tune: .init(channelMax: 0, frameMax: 4096, heartbeat: 0))
        let channel = try server.openChannel(connection)
        let body = ByteBuffer(bytes: (0..<10_000).map { UInt8(truncatingIfNeeded: $0) })
        channel.basicPublish(exchange: "amq.topic", routingKey: "a.b", body: body,
                             properties: .init(contentType: "application/octet-stream", deliveryMode: 2),
                             mandatory: true)
        let frames = try server.readFrames()
        #expect(frames.count == 5)
        #expect(frames.allSatisfy { $0.channel == 1 })
        #expect(frames.first?.payload == .method(.basicPublish(.init(exchange: "amq.topic", routingKey: "a.b",
                                                                     mandatory: true))))
        guard frames.count == 5, case .header(let header) = frames[1].payload else {
            Issue.record("expected a header frame, got \(frames)")
            return
        }
        #expect(header.bodySize == 10_000)
        #expect(header.properties == BasicProperties(contentType: "application/octet-stream", deliveryMode: 2))
        var joined = ByteBuffer()
        var sizes: [Int] = []
        for frame in frames.dropFirst(2) {
            guard case .body(var chunk) = frame.payload else { continue }
            sizes.append(chunk.readableBytes)
            joined.writeBuffer(&chunk)
        }
        #expect(sizes == [4088, 4088, 1824])
        #expect(joined == body)
    }

    @Test func publishesInOneTickBecomeOneWrite() throws {
        let server = try FakeServer()
        let channel = try server.openChannel(try server.handshake())
        _ = try server.readFrames()
        for index in 0..<100 {
            channel.basicPublish(routingKey: "q", body: ByteBuffer(string: "m\(index)"))
        }
        server.loop.run()
        var writes = 0
        while (try server.channel.readOutbound(as: ByteBuffer.self)) != nil { writes += 1 }
        #expect(writes == 1)
    }

    @Test func confirmsResolveWithMultipleAcksAndNacks() throws {
        let server = try FakeServer()
        let channel = try server.openChannel(try server.handshake())
        let select = FutureResult(channel.confirmSelect())
        #expect(try server.readMethods().map(\.1) == [.confirmSelect(.init())])
        try server.send(channel: 1, .confirmSelectOk(.init()))
        #expect(select.error == nil && select.result != nil)

        let confirms = Recorder<AMQPConfirm>()
        channel.setConfirmListener { confirms.append($0) }
        let published = (0..<4).map { index in
            FutureResult(channel.basicPublishConfirmed(routingKey: "q", body: ByteBuffer(string: "\(index)")))
        }
        let all = FutureResult(channel.waitForConfirms())
        try server.send(channel: 1, .basicAck(.init(deliveryTag: 2, multiple: true)))
        #expect(published.map(\.value) == [1, 2, nil, nil])
        try server.send(channel: 1, .basicAck(.init(deliveryTag: 4, multiple: false)))
        #expect(published[3].value == 4)
        #expect(all.result == nil)
        try server.send(channel: 1, .basicNack(.init(deliveryTag: 3, multiple: false, requeue: false)))
        #expect(published[2].clientError == .publishNacked(deliveryTag: 3))
        #expect(all.clientError == .publishNacked(deliveryTag: 3))
        #expect(confirms.values == [
            AMQPConfirm(deliveryTag: 2, multiple: true, acked: true, settledCount: 2),
            AMQPConfirm(deliveryTag: 4, multiple: false, acked: true, settledCount: 1),
            AMQPConfirm(deliveryTag: 3, multiple: false, acked: false, settledCount: 1),
        ])
        let none = FutureResult(channel.waitForConfirms())
        #expect(none.result != nil && none.error == nil)
    }

    @Test func publishConfirmedWithoutConfirmModeFails() throws {
        let server = try FakeServer()
        let channel = try server.openChannel(try server.handshake())
        let result = FutureResult(channel.basicPublishConfirmed(routingKey: "q", body: ByteBuffer()))
        #expect(result.clientError == .notInConfirmMode)
        #expect(try server.readFrames().isEmpty)
    }

    @Test func deliveryIsAssembledFromSplitBodyFrames() throws {
        let server = try FakeServer()
        let channel = try server.openChannel(try server.handshake())
        let deliveries = Recorder<AMQPDelivery>()
        let tag = FutureResult(channel.basicConsume(queue: "q") { deliveries.append($0) })
        #expect(try server.readMethods().map(\.1) == [.basicConsume(.init(queue: "q"))])
        try server.send(channel: 1, .basicConsumeOk(.init(consumerTag: "amq.ctag-1")))
        #expect(tag.value == "amq.ctag-1")

        let properties = BasicProperties(contentType: "text/plain", headers: ["x-n": 7], messageID: "m-1")
        try server.send([
            Frame(channel: 1, payload: .method(.basicDeliver(.init(consumerTag: "amq.ctag-1", deliveryTag: 1,
                                                                    redelivered: true, exchange: "ex",
                                                                    routingKey: "rk")))),
            Frame(channel: 1, payload: .header(ContentHeader(bodySize: 10, properties: properties))),
            Frame(channel: 1, payload: .body(ByteBuffer(string: "hello"))),
        ])
        #expect(deliveries.values.isEmpty)
        try server.send([
            Frame(channel: 1, payload: .body(ByteBuffer(string: "world"))),
            Frame(channel: 1, payload: .method(.basicDeliver(.init(consumerTag: "amq.ctag-1", deliveryTag: 2)))),
            Frame(channel: 1, payload: .header(ContentHeader(bodySize: 0, properties: .init()))),
        ])
        #expect(deliveries.values.count == 2)
        let first = try #require(deliveries.values.first)
        #expect(first.body == ByteBuffer(string: "helloworld"))
        #expect(first.properties == properties)
        #expect(first.deliveryTag == 1 && first.redelivered && first.exchange == "ex" && first.routingKey == "rk")
        #expect(deliveries.values.last?.body.readableBytes == 0)

        channel.basicAck(deliveryTag: 2, multiple: true)
        #expect(try server.readMethods().map(\.1) == [.basicAck(.init(deliveryTag: 2, multiple: true))])
    }

    @Test func framesSplitAcrossReadsOneByteAtATimeAreReassembled() throws {
        let server = try FakeServer()
        let channel = try server.openChannel(try server.handshake())
        let deliveries = Recorder<AMQPDelivery>()
        _ = channel.basicConsume(queue: "q", consumerTag: "c1") { deliveries.append($0) }
        var bytes = ByteBuffer()
        for frame in [
            Frame(channel: 1, payload: .method(.basicConsumeOk(.init(consumerTag: "c1")))),
            Frame(channel: 1, payload: .method(.basicDeliver(.init(consumerTag: "c1", deliveryTag: 1)))),
            Frame(channel: 1, payload: .header(ContentHeader(bodySize: 5, properties: .init(priority: 3)))),
            Frame(channel: 1, payload: .body(ByteBuffer(string: "ab"))),
            Frame(channel: 0, payload: .heartbeat),
            Frame(channel: 1, payload: .body(ByteBuffer(string: "cde"))),
        ] { bytes.writeAMQPFrame(frame) }
        for byte in bytes.readableBytesView {
            try server.channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        #expect(deliveries.values.count == 1)
        #expect(deliveries.values.first?.body == ByteBuffer(string: "abcde"))
        #expect(deliveries.values.first?.properties.priority == 3)
    }

    @Test func getReturnsNilWhenEmptyAndTheMessageWithItsCount() throws {
        let server = try FakeServer()
        let channel = try server.openChannel(try server.handshake())
        let empty = FutureResult(channel.basicGet(queue: "q"))
        try server.send(channel: 1, .basicGetEmpty(.init()))
        #expect(empty.error == nil)
        #expect(empty.result != nil && empty.value! == nil)

        let got = FutureResult(channel.basicGet(queue: "q", noAck: true))
        try server.send([
            Frame(channel: 1, payload: .method(.basicGetOk(.init(deliveryTag: 9, exchange: "", routingKey: "q",
                                                                  messageCount: 41)))),
            Frame(channel: 1, payload: .header(ContentHeader(bodySize: 2, properties: .init()))),
            Frame(channel: 1, payload: .body(ByteBuffer(string: "hi"))),
        ])
        let response = try #require(got.value ?? nil)
        #expect(response.messageCount == 41)
        #expect(response.delivery.deliveryTag == 9)
        #expect(response.delivery.body == ByteBuffer(string: "hi"))
    }

    @Test func returnsAndServerCancelsAreSurfaced() throws {
        let server = try FakeServer()
        let channel = try server.openChannel(try server.handshake())
        let returns = Recorder<AMQPReturnedMessage>()
        channel.setReturnListener { returns.append($0) }
        let ends = Recorder<AMQPConsumerEnd>()
        _ = channel.basicConsume(queue: "q", consumerTag: "c1", onEnd: { ends.append($0) }) { _ in }
        try server.send(channel: 1, .basicConsumeOk(.init(consumerTag: "c1")))
        _ = try server.readMethods()

        try server.send([
            Frame(channel: 1, payload: .method(.basicReturn(.init(replyCode: 312, replyText: "NO_ROUTE",
                                                                   exchange: "amq.direct", routingKey: "nowhere")))),
            Frame(channel: 1, payload: .header(ContentHeader(bodySize: 1, properties: .init()))),
            Frame(channel: 1, payload: .body(ByteBuffer(string: "x"))),
        ])
        #expect(returns.values.count == 1)
        #expect(returns.values.first?.replyCode == 312 && returns.values.first?.routingKey == "nowhere")

        try server.send(channel: 1, .basicCancel(.init(consumerTag: "c1", nowait: false)))
        #expect(ends.values == [.cancelledByServer])
        #expect(try server.readMethods().map(\.1) == [.basicCancelOk(.init(consumerTag: "c1"))])
    }

    @Test func clientCancelEndsTheConsumer() throws {
        let server = try FakeServer()
        let channel = try server.openChannel(try server.handshake())
        let ends = Recorder<AMQPConsumerEnd>()
        _ = channel.basicConsume(queue: "q", consumerTag: "c1", onEnd: { ends.append($0) }) { _ in }
        try server.send(channel: 1, .basicConsumeOk(.init(consumerTag: "c1")))
        let cancel = FutureResult(channel.basicCancel(consumerTag: "c1"))
        try server.send(channel: 1, .basicCancelOk(.init(consumerTag: "c1")))
        #expect(cancel.result != nil && cancel.error == nil)
        #expect(ends.values == [.cancelledByClient])
    }

    @Test func serverChannelCloseFailsPendingCallsAndClosesTheChannel() throws {
        let server = try FakeServer()
        let connection = try server.handshake()
        let channel = try server.openChannel(connection)
        let ends = Recorder<AMQPConsumerEnd>()
        _ = channel.basicConsume(queue: "q", consumerTag: "c1", onEnd: { ends.append($0) }) { _ in }
        try server.send(channel: 1, .basicConsumeOk(.init(consumerTag: "c1")))
        let declare = FutureResult(channel.queueDeclare("missing", passive: true))
        _ = try server.readMethods()
        try server.send(channel: 1, .channelClose(.init(replyCode: 404, replyText: "NOT_FOUND - no queue 'missing'",
                                                        classId: 50, methodId: 10)))
        #expect(try server.readMethods().map(\.1) == [.channelCloseOk(.init())])
        let expected = AMQPClientError.channelClosedByServer(replyCode: 404, replyText: "NOT_FOUND - no queue 'missing'",
                                                             classID: 50, methodID: 10)
        #expect(declare.clientError == expected)
        #expect(declare.clientError?.replyCode == 404)
        #expect(ends.values == [.closed(expected)])
        #expect(FutureResult(channel.queuePurge("q")).clientError == expected)
        #expect(FutureResult(channel.closeReason()).value == expected)
        // The connection stays usable; numbers rotate, so a late frame for the closed
        // channel cannot reach the next one.
        let reopened = try server.openChannel(connection, expecting: 2)
        #expect(reopened.channelID == 2)
    }

    @Test func closeFutureReportsAServerCloseWithNoCallPending() throws {
        let server = try FakeServer()
        let channel = try server.openChannel(try server.handshake())
        let closed = FutureResult(channel.closeFuture)
        channel.basicPublish(exchange: "missing", routingKey: "k", body: ByteBuffer(string: "x"))
        _ = try server.readFrames()
        try server.send(channel: 1, .channelClose(.init(replyCode: 404, replyText: "NOT_FOUND - no exchange 'missing'",
                                                        classId: 60, methodId: 40)))
        #expect(closed.clientError?.replyCode == 404)
    }

    @Test func clientChannelCloseWaitsForCloseOk() throws {
        let server = try FakeServer()
        let connection = try server.handshake()
        let channel = try server.openChannel(connection)
        let second = try server.openChannel(connection, expecting: 2)
        let close = FutureResult(channel.close())
        #expect(try server.readMethods().map(\.1) == [.channelClose(.init(replyCode: 200, replyText: "Goodbye"))])
        #expect(close.result == nil)
        try server.send(channel: 1, .channelCloseOk(.init()))
        #expect(close.result != nil && close.error == nil)
        #expect(FutureResult(channel.closeFuture).result != nil && FutureResult(channel.closeFuture).error == nil)
        #expect(FutureResult(channel.queuePurge("q")).clientError == .channelClosed)
        #expect(second.channelID == 2)
    }

    @Test func serverFlowIsAnsweredAndReported() throws {
        let server = try FakeServer()
        let channel = try server.openChannel(try server.handshake())
        let flows = Recorder<Bool>()
        channel.setFlowListener { flows.append($0) }
        try server.send(channel: 1, .channelFlow(.init(active: false)))
        #expect(flows.values == [false])
        #expect(try server.readMethods().map(\.1) == [.channelFlowOk(.init(active: false))])
    }

    @Test func acksFromDeliveryCallbacksLeaveInOneWriteAtReadComplete() throws {
        let server = try FakeServer()
        let channel = try server.openChannel(try server.handshake())
        _ = channel.basicConsume(queue: "q", consumerTag: "c1") { delivery in
            channel.basicAck(deliveryTag: delivery.deliveryTag)
        }
        try server.send(channel: 1, .basicConsumeOk(.init(consumerTag: "c1")))
        _ = try server.readFrames()
        var frames: [Frame] = []
        for tag in 1...3 as ClosedRange<UInt64> {
            frames.append(Frame(channel: 1, payload: .method(.basicDeliver(.init(consumerTag: "c1", deliveryTag: tag)))))
            frames.append(Frame(channel: 1, payload: .header(ContentHeader(bodySize: 1, properties: .init()))))
            frames.append(Frame(channel: 1, payload: .body(ByteBuffer(string: "x"))))
        }
        var bytes = ByteBuffer()
        for frame in frames { bytes.writeAMQPFrame(frame) }
        // One read carrying three deliveries; EmbeddedChannel follows it with read-complete.
        try server.channel.writeInbound(bytes)
        var writes = 0
        var acks: [Method] = []
        var decoder = FrameDecoder()
        while var written = try server.channel.readOutbound(as: ByteBuffer.self) {
            writes += 1
            while let frame = try decoder.decodeFrame(from: &written) {
                if case .method(let method) = frame.payload { acks.append(method) }
            }
        }
        #expect(writes == 1)
        #expect(acks == (1...3).map { .basicAck(.init(deliveryTag: $0)) })
    }

    @Test func clientFlowReturnsTheConfirmedState() throws {
        let server = try FakeServer()
        let channel = try server.openChannel(try server.handshake())
        let flow = FutureResult(channel.flow(active: true))
        #expect(try server.readMethods().map(\.1) == [.channelFlow(.init(active: true))])
        try server.send(channel: 1, .channelFlowOk(.init(active: true)))
        #expect(flow.value == true)
    }

    @Test func aCallWithoutReplyTimesOutAndClosesTheChannel() throws {
        let server = try FakeServer(configuration: .init(rpcTimeout: .seconds(30)))
        let connection = try server.handshake()
        let channel = try server.openChannel(connection)
        let declare = FutureResult(channel.queueDeclare("slow"))
        let purge = FutureResult(channel.queuePurge("slow"))
        _ = try server.readMethods()
        server.loop.advanceTime(by: .seconds(29))
        #expect(declare.result == nil)
        server.loop.advanceTime(by: .seconds(1))
        guard case .timeout = declare.clientError, case .timeout = purge.clientError else {
            Issue.record("expected timeouts, got \(String(describing: declare.result)), \(String(describing: purge.result))")
            return
        }
        #expect(try server.readMethods().map(\.1) == [.channelClose(.init(replyCode: 200, replyText: "client timeout"))])
        // Late replies for the forgotten channel are dropped; the connection stays up.
        try server.send(channel: 1, .queueDeclareOk(.init(queue: "slow")))
        try server.send(channel: 1, .channelCloseOk(.init()))
        #expect(server.channel.isActive)
        _ = try server.openChannel(connection, expecting: 2)
    }

    @Test func transactionAndRecoverMethodsMatchTheirReplies() throws {
        let server = try FakeServer()
        let channel = try server.openChannel(try server.handshake())
        let calls = [channel.txSelect(), channel.txCommit(), channel.txRollback(), channel.basicRecover(),
                     channel.basicQos(prefetchCount: 10)].map(FutureResult.init)
        #expect(try server.readMethods().map(\.1) == [
            .txSelect(.init()), .txCommit(.init()), .txRollback(.init()), .basicRecover(.init(requeue: true)),
            .basicQos(.init(prefetchCount: 10)),
        ])
        for reply: Method in [.txSelectOk(.init()), .txCommitOk(.init()), .txRollbackOk(.init()),
                              .basicRecoverOk(.init()), .basicQosOk(.init())] {
            try server.send(channel: 1, reply)
        }
        #expect(calls.allSatisfy { $0.result != nil && $0.error == nil })
    }
}
