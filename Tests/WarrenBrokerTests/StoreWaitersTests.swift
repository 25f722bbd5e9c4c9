// StoreWaitersTests.swift: a partition's store waiters are told once their offset is durable,
// including when the fsync finished before the waiter was added.
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
@testable import WarrenBroker

@Suite struct StoreWaitersTests {
    @Test func aWaiterAddedAfterTheFsyncCoveredItIsToldAtOnce() {
        let receiver = BatchTests.RecordingReceiver()
        let waiters = PartitionStoreWaiters(durableOffset: { 10 })
        waiters.add(offset: 9, .receiver(receiver, token: 1))
        waiters.add(offset: 10, .receiver(receiver, token: 2))
        #expect(receiver.storedTokens.withLockedValue { $0 } == [1: 1])
        #expect(!waiters.isEmpty)
        waiters.durable(below: 11)
        #expect(receiver.storedTokens.withLockedValue { $0 } == [1: 1, 2: 1])
        #expect(waiters.isEmpty)
    }

    @Test func aPromiseAlreadyCoveredSettlesAfterItsPublishCountedItsStores() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        let waiters = PartitionStoreWaiters(loop: loop, durableOffset: { 10 })
        let future = try loop.submit { () -> EventLoopFuture<Void> in
            let promise = StorePromise(loop.makePromise(of: Void.self))
            // As `Broker.publish` does: the waiter is added, then the outcome is counted.
            waiters.add(offset: 3, .promise(promise))
            promise.expect(BrokerState.StoreOutcome(queueCount: 1, stores: 1))
            return promise.promise.futureResult
        }.wait()
        try future.wait()
    }

    @Test func anFsyncCoveringManyPublishersTellsEachOfItsTokensOnce() {
        // More receivers than are searched in a list: the dictionary takes over midway.
        let receivers = (0..<50).map { _ in BatchTests.RecordingReceiver() }
        let waiters = PartitionStoreWaiters(durableOffset: { 0 })
        for round in 0..<2 {
            for (index, receiver) in receivers.enumerated() {
                let offset = Int64(round * receivers.count + index)
                waiters.add(offset: offset, .receiver(receiver, token: UInt64(offset)))
            }
        }
        waiters.durable(below: Int64(2 * receivers.count))
        for (index, receiver) in receivers.enumerated() {
            let expected = [UInt64(index): 1, UInt64(receivers.count + index): 1]
            #expect(receiver.storedTokens.withLockedValue { $0 } == expected)
        }
        #expect(waiters.isEmpty)
    }

    @Test func aWaiterAddedAfterAFailureHearsTheFailure() {
        let receiver = BatchTests.RecordingReceiver()
        let waiters = PartitionStoreWaiters(durableOffset: { 0 })
        waiters.failed(BrokerError(.internalError, "storage failed"))
        waiters.add(offset: 5, .receiver(receiver, token: 7))
        #expect(receiver.failedTokens.withLockedValue { $0 } == [7])
    }
}
