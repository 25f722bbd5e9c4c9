// GroupedByObjectTests.swift: elements gathered per object, by identity, in first-seen order.
import Testing
@testable import WarrenBroker

@Suite struct GroupedByObjectTests {
    final class Target {}

    @Test func elementsGoToTheirObjectInFirstSeenOrder() {
        let targets = (0..<12).map { _ in Target() }
        var grouped = GroupedByObject<Target, Int>()
        // A run on the first, then many objects interleaved (past the first, a dictionary).
        for element in 0..<3 { grouped.append(element, to: targets[0], id: ObjectIdentifier(targets[0])) }
        for element in 3..<51 {
            let target = targets[element % targets.count]
            grouped.append(element, to: target, id: ObjectIdentifier(target))
        }
        // Element 3 goes to target 3, ..., 11 to 11, 12 back to 0, then 13 and 14 to 1 and 2.
        let firstSeen = [0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        #expect(grouped.groups.map { ObjectIdentifier($0.object) } == firstSeen.map { ObjectIdentifier(targets[$0]) })
        for (index, target) in targets.enumerated() {
            let expected = (index == 0 ? [0, 1, 2] : []) + (3..<51).filter { $0 % targets.count == index }
            #expect(grouped.groups.first { $0.object === target }?.elements == expected)
        }
    }
}
