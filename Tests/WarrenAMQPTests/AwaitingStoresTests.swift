// AwaitingStoresTests.swift: publishes waiting for fsyncs, kept by position from the oldest.
import Testing
@testable import WarrenAMQP

@Suite struct AwaitingStoresTests {
    static func waiting(_ remaining: Int) -> AwaitingStore {
        AwaitingStore(channel: 1, generation: 0, sequence: nil, promise: nil, remaining: remaining)
    }

    @Test func tokensAreFoundSkippedAndForgottenInAnyOrder() {
        var stores = AwaitingStores()
        stores[5] = Self.waiting(1)
        stores[6] = Self.waiting(2)
        stores[9] = Self.waiting(3)  // 7 and 8 did not wait
        #expect(stores[5]?.remaining == 1 && stores[6]?.remaining == 2 && stores[9]?.remaining == 3)
        #expect(stores[7] == nil && stores[8] == nil && stores[4] == nil && stores[10] == nil)
        stores[6] = nil  // done out of order
        #expect(stores[6] == nil && stores[5]?.remaining == 1)
        stores[9]?.remaining -= 1
        #expect(stores[9]?.remaining == 2)
        stores[5] = nil  // the oldest: everything up to 9 is let go
        #expect(stores[5] == nil && stores[9]?.remaining == 2)
        stores[9] = nil
        stores[12] = Self.waiting(1)  // empty again: starts over at the next token
        #expect(stores[12]?.remaining == 1 && stores[9] == nil)
    }
}
