// RetentionTests.swift: retention by size, by age, and by consumer floors.

import Testing
@testable import WarrenLog

@Suite struct RetentionTests {
    /// 40 records of ~1 KiB in segments of ~5 records.
    private func filledLog(_ harness: LogHarness, _ retention: RetentionPolicy) throws -> PartitionLog {
        let log = try harness.open {
            $0.segmentBytes = 5500
            $0.retention = retention
        }
        for n in 0..<40 {
            try log.append([makeRecord(n, size: 1000, timestamp: harness.clock.nowMilliseconds())])
            harness.clock.advance(by: .seconds(1))
        }
        return log
    }

    @Test(arguments: Storage.allCases)
    func streamsDeleteBySize(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try filledLog(harness, RetentionPolicy(mode: .stream, maxBytes: 12_000))
        defer { try? log.close() }
        log.setFloor("slow-group", to: 0)  // Streams ignore floors.
        #expect(try log.applyRetention() > 0)
        #expect(log.sizeBytes <= 12_000 + 5500)
        #expect(log.sizeBytes > 12_000 - 5500)
        #expect(try readAll(log).last?.offset == 39)
    }

    @Test(arguments: Storage.allCases)
    func streamsDeleteByAge(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try filledLog(harness, RetentionPolicy(mode: .stream, maxAge: .seconds(10)))
        defer { try? log.close() }
        try log.applyRetention()
        // Every segment whose newest record is older than 10 s is gone; the one holding
        // records from the last 10 s stays.
        let start = log.logStartOffset
        #expect(start > 20 && start <= 30)
        harness.clock.advance(by: .seconds(3600))
        try log.applyRetention()
        #expect(log.segmentCount == 1)
    }

    @Test(arguments: Storage.allCases)
    func workQueuesWaitForEveryFloor(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try filledLog(harness, RetentionPolicy(mode: .workQueue))
        defer { try? log.close() }
        #expect(try log.applyRetention() == 0)  // No group yet: everything waits for one.
        log.setFloor("billing", to: 12)
        log.setFloor("audit", to: 3)
        try log.applyRetention()
        #expect(log.logStartOffset <= 3)
        log.setFloor("audit", to: 30)
        try log.applyRetention()
        // Segments wholly below 12 (billing's floor) go; the one holding offset 12 stays.
        #expect(log.logStartOffset <= 12 && log.logStartOffset > 5)
        log.removeFloor("billing")
        try log.applyRetention()
        #expect(log.logStartOffset <= 30 && log.logStartOffset > 20)
        #expect(try readAll(log).first?.offset == log.logStartOffset)
    }

    @Test(arguments: Storage.allCases)
    func workQueuesWithLimitsNeedBoth(storage: Storage) throws {
        let harness = LogHarness(storage)
        defer { harness.cleanUp() }
        let log = try filledLog(harness, RetentionPolicy(mode: .workQueue, maxAge: .seconds(30)))
        defer { try? log.close() }
        log.setFloor("group", to: 40)
        try log.applyRetention()
        // Floors are past everything, but only segments older than 30 s are past retention.
        #expect(log.logStartOffset > 0 && log.logStartOffset <= 10)
    }
}
