// StateTests.swift: the content assembler and the confirm tracker as plain values.
@testable import AMQPClient
import AMQPProtocol
import NIOCore
import NIOEmbedded
import Testing

@Suite struct ContentAssemblerTests {
    @Test func singleBodyFrameIsPassedThroughAndSplitBodiesAreJoined() throws {
        var assembler = ContentAssembler()
        try assembler.methodReceived(.basicDeliver(.init(deliveryTag: 1)))
        #expect(try assembler.headerReceived(ContentHeader(bodySize: 3, properties: .init())) == nil)
        let whole = try #require(try assembler.bodyReceived(ByteBuffer(string: "abc")))
        #expect(whole.body == ByteBuffer(string: "abc"))
        #expect(assembler.isIdle)

        try assembler.methodReceived(.basicDeliver(.init(deliveryTag: 2)))
        _ = try assembler.headerReceived(ContentHeader(bodySize: 6, properties: .init()))
        #expect(try assembler.bodyReceived(ByteBuffer(string: "ab")) == nil)
        #expect(try assembler.bodyReceived(ByteBuffer(string: "cd")) == nil)
        let joined = try #require(try assembler.bodyReceived(ByteBuffer(string: "ef")))
        #expect(joined.body == ByteBuffer(string: "abcdef"))
        #expect(assembler.isIdle)
    }

    @Test func framesOutOfOrderAreUnexpected() throws {
        var assembler = ContentAssembler()
        #expect(throws: AMQPClientError.self) { try assembler.bodyReceived(ByteBuffer(string: "x")) }
        #expect(throws: AMQPClientError.self) { try assembler.headerReceived(ContentHeader(bodySize: 1, properties: .init())) }
        try assembler.methodReceived(.basicDeliver(.init()))
        #expect(throws: AMQPClientError.self) { try assembler.methodReceived(.basicDeliver(.init())) }
        _ = try assembler.headerReceived(ContentHeader(bodySize: 1, properties: .init()))
        #expect(throws: AMQPClientError.self) { try assembler.bodyReceived(ByteBuffer(string: "xy")) }
    }
}

@Suite struct ConfirmTrackerTests {
    @Test func singleAcksOutOfOrderAndMultipleAcksSettleTheRightTags() {
        let loop = EmbeddedEventLoop()
        var tracker = ConfirmTracker()
        var promises: [EventLoopPromise<UInt64>] = []
        for _ in 1...5 { promises.append(loop.makePromise()) }
        let futures = promises.map { FutureResult($0.futureResult) }
        for promise in promises { _ = tracker.published(promise: promise) }
        #expect(tracker.nextTag == 6)
        let waiter = FutureResult(tracker.waitForConfirms(eventLoop: loop))

        #expect(tracker.confirmReceived(AMQPConfirm(deliveryTag: 3, multiple: false, acked: true)) == 1)
        #expect(futures.map(\.value) == [nil, nil, 3, nil, nil])
        #expect(tracker.confirmReceived(AMQPConfirm(deliveryTag: 4, multiple: true, acked: true)) == 3)
        #expect(futures.map(\.value) == [1, 2, 3, 4, nil])
        #expect(waiter.result == nil)
        tracker.confirmReceived(AMQPConfirm(deliveryTag: 5, multiple: false, acked: true))
        #expect(futures[4].value == 5)
        #expect(waiter.result != nil && waiter.error == nil)
        // A stale or repeated confirm changes nothing.
        #expect(tracker.confirmReceived(AMQPConfirm(deliveryTag: 2, multiple: false, acked: false)) == 0)
        #expect(futures.map(\.value) == [1, 2, 3, 4, 5])
        let next = FutureResult(tracker.waitForConfirms(eventLoop: loop))
        #expect(next.result != nil && next.error == nil)
    }

    @Test func aWaiterFailsOnlyForNacksOfItsOwnPublishes() {
        let loop = EmbeddedEventLoop()
        var tracker = ConfirmTracker()
        for _ in 1...2 { _ = tracker.published(promise: nil) }
        let early = FutureResult(tracker.waitForConfirms(eventLoop: loop))
        for _ in 3...4 { _ = tracker.published(promise: nil) }
        let late = FutureResult(tracker.waitForConfirms(eventLoop: loop))
        tracker.confirmReceived(AMQPConfirm(deliveryTag: 4, multiple: false, acked: false))
        tracker.confirmReceived(AMQPConfirm(deliveryTag: 3, multiple: true, acked: true))
        #expect(early.result != nil && early.error == nil)
        #expect(late.clientError == .publishNacked(deliveryTag: 4))
    }

    @Test func failAllFailsOutstandingPromisesAndWaiters() {
        let loop = EmbeddedEventLoop()
        var tracker = ConfirmTracker()
        let promise = loop.makePromise(of: UInt64.self)
        let future = FutureResult(promise.futureResult)
        _ = tracker.published(promise: promise)
        _ = tracker.published(promise: nil)
        let waiter = FutureResult(tracker.waitForConfirms(eventLoop: loop))
        tracker.failAll(.channelClosed)
        #expect(future.clientError == .channelClosed)
        #expect(waiter.clientError == .channelClosed)
    }
}
