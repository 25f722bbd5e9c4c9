import Testing
@testable import WarrenAMQP

@Suite struct ChannelTableTests {
    @Test func holdsLowAndHighChannelNumbersAndCountsThem() {
        var table = ChannelTable<String>()
        #expect(table.isEmpty)
        table[1] = "one"
        table[63] = "sixty-three"
        table[64] = "sixty-four"
        table[65535] = "max"
        #expect(table.count == 4)
        #expect(table[1] == "one" && table[64] == "sixty-four" && table[65535] == "max")
        #expect(table[2] == nil && table[1000] == nil)
        #expect(table.contains(63) && table.contains(65535) && !table.contains(0) && !table.contains(200))
        #expect(table.keys == [1, 63, 64, 65535])
        #expect(table.values == ["one", "sixty-three", "sixty-four", "max"])
    }

    @Test func changesInPlaceAndRemoves() {
        var table: ChannelTable<[Int]> = [:]
        table[3] = []
        table[3]!.append(7)
        table[3]?.append(8)
        table[300] = [1]
        table[300]!.append(2)
        #expect(table[3] == [7, 8] && table[300] == [1, 2])
        #expect(table.removeValue(forKey: 3) == [7, 8])
        #expect(table.removeValue(forKey: 3) == nil)
        table[300] = nil
        #expect(table.isEmpty && table.count == 0 && table.keys.isEmpty)
    }
}
