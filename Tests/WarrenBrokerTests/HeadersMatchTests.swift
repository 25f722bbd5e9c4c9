import Testing
import WarrenBroker

@Suite struct HeadersMatchTests {
    static let headers: ArgumentTable = ["format": .string("pdf"), "type": .string("report"), "size": .int(3),
                                         "x-trace": .string("on")]

    static func binding(_ arguments: ArgumentTable) -> HeadersBinding { HeadersBinding(arguments: arguments)! }

    @Test func allRequiresEveryHeader() {
        #expect(Self.binding(["format": .string("pdf"), "type": .string("report")]).matches(Self.headers))
        #expect(!Self.binding(["format": .string("pdf"), "type": .string("log")]).matches(Self.headers))
        #expect(!Self.binding(["format": .string("pdf"), "missing": .string("x")]).matches(Self.headers))
    }

    @Test func allIsTheDefaultAndEmptyConditionsMatchEverything() {
        #expect(Self.binding(["x-match": .string("all")]).matches(nil))
        #expect(Self.binding([:]).matches(Self.headers))
    }

    @Test func anyRequiresOneHeader() {
        let binding = Self.binding(["x-match": .string("any"), "format": .string("zip"), "type": .string("report")])
        #expect(binding.matches(Self.headers))
        #expect(!Self.binding(["x-match": .string("any"), "format": .string("zip")]).matches(Self.headers))
        #expect(!Self.binding(["x-match": .string("any")]).matches(Self.headers))
    }

    @Test func xKeysAreIgnoredUnlessWithX() {
        #expect(Self.binding(["x-trace": .string("off"), "format": .string("pdf")]).matches(Self.headers))
        #expect(!Self.binding(["x-match": .string("all-with-x"), "x-trace": .string("off")]).matches(Self.headers))
        #expect(Self.binding(["x-match": .string("any-with-x"), "x-trace": .string("on")]).matches(Self.headers))
    }

    @Test func voidMatchesPresence() {
        #expect(Self.binding(["size": .void]).matches(Self.headers))
        #expect(!Self.binding(["colour": .void]).matches(Self.headers))
    }

    @Test func numbersCompareByValueAcrossTypes() {
        #expect(Self.binding(["size": .double(3.0)]).matches(Self.headers))
        #expect(!Self.binding(["size": .string("3")]).matches(Self.headers))
    }

    @Test func unknownXMatchIsRefused() {
        #expect(HeadersBinding(arguments: ["x-match": .string("some")]) == nil)
        #expect(HeadersBinding(arguments: ["x-match": .int(1)]) == nil)
    }
}
