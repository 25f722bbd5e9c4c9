// LiveBrokerTests.swift: the client against a real broker at WARREN_TEST_AMQP_URL
// (skipped when unset). Every queue name has a random suffix so runs do not collide.
import AMQPClient
import AMQPProtocol
import NIOCore
import NIOPosix
import Testing

@Suite(.enabled(if: Live.isEnabled, "set WARREN_TEST_AMQP_URL to run against a broker"))
struct LiveBrokerTests {
    @Test func connectsDeclaresAndClosesCleanly() async throws {
        let connection = try await Live.connect()
        #expect(connection.serverProperties["product"]?.string != nil)
        #expect(connection.tuning.frameMax > 0)
        let channel = try await connection.openChannel()
        let name = Live.queueName("declare")
        let declared = try await channel.queueDeclare(name, exclusive: true)
        #expect(declared == AMQPQueueDeclareResult(queue: name, messageCount: 0, consumerCount: 0))
        let generated = try await channel.queueDeclare(exclusive: true)
        #expect(generated.queue.hasPrefix("amq.gen-"))
        try await channel.exchangeDeclare(name, type: "fanout")
        try await channel.queueBind(queue: name, exchange: name)
        try await channel.queueUnbind(queue: name, exchange: name)
        try await channel.exchangeDeclare(name + ".src", type: "topic")
        try await channel.exchangeBind(destination: name, source: name + ".src", routingKey: "#")
        try await channel.exchangeUnbind(destination: name, source: name + ".src", routingKey: "#")
        try await channel.exchangeDelete(name + ".src")
        try await channel.exchangeDelete(name)
        try await channel.close()
        try await connection.close()
        try await connection.closeFuture.get()
    }

    /// The usage example of the module documentation (AMQPClient.docc), with a fresh queue.
    @Test func documentationExampleRuns() async throws {
        let url = try #require(Live.url)
        let connection = try await AMQPConnection.connect(to: url, eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let channel = try await connection.openChannel()
        let queue = try await channel.queueDeclare(Live.queueName("example"), autoDelete: true).queue
        try await channel.confirmSelect()
        channel.basicPublish(routingKey: queue, body: ByteBuffer(string: "hello"), properties: .init(deliveryMode: 2))
        try await channel.waitForConfirms()
        var received: [String] = []
        for try await delivery in try await channel.consume(queue: queue) {
            received.append(String(buffer: delivery.body)); channel.basicAck(deliveryTag: delivery.deliveryTag); break
        }
        try await connection.close()
        #expect(received == ["hello"])
    }

    /// 6,000 messages of 8 KiB to a no-ack consumer: several times the broker's delivery window
    /// (Warren counts an 8 KiB delivery as 3 units of 4,096), so the consumer gets them all only
    /// if the front door gives back exactly what each written delivery cost.
    @Test func aNoAckConsumerGetsSeveralWindowsOfLargeMessages() async throws {
        let connection = try await Live.connect()
        let channel = try await connection.openChannel()
        let queue = Live.queueName("window")
        _ = try await channel.queueDeclare(queue, exclusive: true)
        try await channel.confirmSelect()
        let body = ByteBuffer(repeating: UInt8(ascii: "w"), count: 8192)
        for _ in 0..<6000 { channel.basicPublish(routingKey: queue, body: body) }
        try await withTimeout(30, "confirms") { try await channel.waitForConfirms() }
        let consumer = try await channel.consume(queue: queue, noAck: true)
        let count = try await withTimeout(30, "6000 deliveries") {
            var count = 0
            for try await delivery in consumer {
                if delivery.body.readableBytes == 8192 { count += 1 }
                if count == 6000 { break }
            }
            return count
        }
        #expect(count == 6000)
        try await connection.close()
    }

    @Test func publishesAThousandWithConfirmsAndConsumesThemAll() async throws {
        let connection = try await Live.connect()
        let channel = try await connection.openChannel()
        let queue = Live.queueName("confirms")
        _ = try await channel.queueDeclare(queue, exclusive: true)
        try await channel.confirmSelect()
        for index in 0..<1000 {
            channel.basicPublish(routingKey: queue, body: ByteBuffer(string: "message \(index)"),
                                 properties: .init(messageID: "\(index)"))
        }
        try await withTimeout(20, "confirms") { try await channel.waitForConfirms() }
        let tag = try await channel.basicPublishConfirmed(routingKey: queue, body: ByteBuffer(string: "last"))
        #expect(tag == 1001)
        #expect(try await channel.queueDeclare(queue, passive: true).messageCount == 1001)

        try await channel.basicQos(prefetchCount: 200)
        let consumer = try await channel.consume(queue: queue)
        let bodies = try await withTimeout(20, "1001 deliveries") {
            var bodies: [String] = []
            for try await delivery in consumer {
                bodies.append(String(buffer: delivery.body))
                if bodies.count % 100 == 0 || bodies.count == 1001 {
                    channel.basicAck(deliveryTag: delivery.deliveryTag, multiple: true)
                }
                if bodies.count == 1001 { break }
            }
            return bodies
        }
        #expect(bodies == (0..<1000).map { "message \($0)" } + ["last"])
        try await channel.basicCancel(consumerTag: consumer.consumerTag)
        #expect(try await channel.queueDeclare(queue, passive: true).messageCount == 0)
        try await connection.close()
    }

    @Test func getNackRequeueAndReject() async throws {
        let connection = try await Live.connect()
        let channel = try await connection.openChannel()
        let queue = Live.queueName("get")
        _ = try await channel.queueDeclare(queue, exclusive: true)
        #expect(try await channel.basicGet(queue: queue) == nil)
        try await channel.confirmSelect()
        for body in ["one", "two"] {
            channel.basicPublish(routingKey: queue, body: ByteBuffer(string: body),
                                 properties: .init(contentType: "text/plain", headers: ["x-k": "v"]))
        }
        try await channel.waitForConfirms()

        let first = try #require(try await channel.basicGet(queue: queue))
        #expect(String(buffer: first.delivery.body) == "one")
        #expect(first.messageCount == 1)
        #expect(!first.delivery.redelivered)
        #expect(first.delivery.properties.contentType == "text/plain")
        #expect(first.delivery.properties.headers?["x-k"]?.string == "v")
        channel.basicNack(deliveryTag: first.delivery.deliveryTag, requeue: true)

        let again = try #require(try await channel.basicGet(queue: queue))
        #expect(String(buffer: again.delivery.body) == "one")
        #expect(again.delivery.redelivered)
        channel.basicReject(deliveryTag: again.delivery.deliveryTag, requeue: false)

        let second = try #require(try await channel.basicGet(queue: queue))
        #expect(String(buffer: second.delivery.body) == "two")
        try await channel.basicRecover(requeue: true)
        let recovered = try #require(try await channel.basicGet(queue: queue, noAck: true))
        #expect(String(buffer: recovered.delivery.body) == "two")
        #expect(recovered.delivery.redelivered)
        #expect(try await channel.basicGet(queue: queue) == nil)
        try await connection.close()
    }

    @Test func transactionCommitMakesPublishesVisible() async throws {
        let connection = try await Live.connect()
        let publisher = try await connection.openChannel()
        let reader = try await connection.openChannel()
        let queue = Live.queueName("tx")
        _ = try await publisher.queueDeclare(queue, exclusive: true)
        try await publisher.txSelect()
        publisher.basicPublish(routingKey: queue, body: ByteBuffer(string: "rolled back"))
        try await publisher.txRollback()
        publisher.basicPublish(routingKey: queue, body: ByteBuffer(string: "committed"))
        #expect(try await reader.basicGet(queue: queue) == nil)
        try await publisher.txCommit()
        let got = try #require(try await reader.basicGet(queue: queue, noAck: true))
        #expect(String(buffer: got.delivery.body) == "committed")
        #expect(got.messageCount == 0)
        try await connection.close()
    }

    @Test func passiveDeclareOfAMissingQueueIsAChannelError404() async throws {
        let connection = try await Live.connect()
        let channel = try await connection.openChannel()
        let missing = Live.queueName("missing")
        do {
            _ = try await channel.queueDeclare(missing, passive: true)
            Issue.record("passive declare of a missing queue succeeded")
        } catch let error as AMQPClientError {
            guard case .channelClosedByServer(let code, let text, let classID, let methodID) = error else {
                Issue.record("expected a channel error, got \(error)")
                return
            }
            #expect(code == 404)
            #expect(text.contains("NOT_FOUND"))
            #expect(classID == 50 && methodID == 10)
        }
        await #expect(throws: AMQPClientError.self) { try await channel.queuePurge(missing) }
        // The connection survives a channel error.
        let other = try await connection.openChannel()
        _ = try await other.queueDeclare(exclusive: true)
        try await connection.close()
    }

    @Test func publishToAMissingExchangeClosesTheChannelWith404() async throws {
        let connection = try await Live.connect()
        let channel = try await connection.openChannel()
        channel.basicPublish(exchange: Live.queueName("no-such-exchange"), routingKey: "k", body: ByteBuffer(string: "x"))
        do {
            try await withTimeout(10, "channel close") { try await channel.closeFuture.get() }
            Issue.record("the channel stayed open")
        } catch let error as AMQPClientError {
            #expect(error.replyCode == 404)
        }
        try await connection.close()
    }

    @Test func unroutableMandatoryMessageIsReturned() async throws {
        let connection = try await Live.connect()
        let channel = try await connection.openChannel()
        let (returns, continuation) = AsyncStream.makeStream(of: AMQPReturnedMessage.self)
        channel.setReturnListener { continuation.yield($0) }
        try await channel.confirmSelect()
        let key = Live.queueName("nowhere")
        try await channel.basicPublishConfirmed(exchange: "amq.direct", routingKey: key,
                                                body: ByteBuffer(string: "lost"), mandatory: true)
        let returned = try await withTimeout(10, "basic.return") {
            var iterator = returns.makeAsyncIterator()
            return await iterator.next()
        }
        #expect(returned?.replyCode == 312)
        #expect(returned?.routingKey == key)
        #expect(returned.map { String(buffer: $0.body) } == "lost")
        try await connection.close()
    }

    @Test func deletingAQueueCancelsItsConsumer() async throws {
        let connection = try await Live.connect()
        let channel = try await connection.openChannel()
        let queue = Live.queueName("cancel")
        _ = try await channel.queueDeclare(queue)
        let consumer = try await channel.consume(queue: queue)
        let other = try await connection.openChannel()
        try await other.queueDelete(queue)
        let count = try await withTimeout(10, "consumer end") {
            var count = 0
            for try await _ in consumer { count += 1 }
            return count
        }
        #expect(count == 0)
        try await connection.close()
    }
}

@Suite(.enabled(if: Live.isEnabled, "set WARREN_TEST_AMQP_URL to run against a broker"))
struct LiveConnectionErrorTests {
    @Test func wrongPasswordIsRefusedWith403() async throws {
        var url = try #require(Live.url)
        url.password = "not-the-password-\(UInt32.random(in: 0...UInt32.max))"
        do {
            let connection = try await AMQPConnection.connect(to: url, eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
            try await connection.close()
            Issue.record("connected with a wrong password")
        } catch let error as AMQPClientError {
            #expect(error.replyCode == 403, "got \(error)")
        }
    }
}
