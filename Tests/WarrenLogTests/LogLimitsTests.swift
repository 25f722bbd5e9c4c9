import Testing
@testable import WarrenLog

@Test func batchLimitIsOneMebibyte() {
    #expect(LogLimits.batchBytesMax == 1_048_576)
}
