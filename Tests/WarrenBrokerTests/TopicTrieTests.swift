import Testing
import WarrenBroker

/// Topic matching edge cases, each checked against RabbitMQ's documented semantics.
@Suite struct TopicTrieTests {
    static func matches(_ pattern: String, _ key: String) -> Bool {
        var trie = TopicTrie<String>()
        trie.bind(pattern, to: "q")
        return trie.match(key) == ["q"]
    }

    @Test(arguments: [
        ("a.b.c", "a.b.c", true), ("a.b.c", "a.b", false), ("a.b", "a.b.c", false),
        ("*", "a", true), ("*", "", true), ("*", "a.b", false), ("a.*", "a", false), ("a.*", "a.", true),
        ("a.*.c", "a.b.c", true), ("a.*.c", "a.c", false), ("*.*", "a.b", true), ("*.*", "a", false),
        ("#", "", true), ("#", "a", true), ("#", "a.b.c", true),
        ("a.#", "a", true), ("a.#", "a.b", true), ("a.#", "a.b.c", true), ("a.#", "b.a", false), ("a.#", "ab", false),
        ("#.a", "a", true), ("#.a", "x.y.a", true), ("#.a", "a.x", false),
        ("a.#.z", "a.z", true), ("a.#.z", "a.b.c.z", true), ("a.#.z", "a.b.c", false),
        ("#.#", "", true), ("#.#", "a.b", true), ("#.*", "", true), ("#.*", "a", true), ("*.#", "a", true),
        ("*.#.*", "a", false), ("*.#.*", "a.b", true), ("*.#.*", "a.b.c.d", true),
        ("a.#.#.b", "a.b", true), ("a.#.b.#", "a.x.b", true), ("a.#.b.#", "a.x.c", false),
        ("a..b", "a..b", true), ("a..b", "a.b", false), ("", "", true), ("", "a", false),
        ("a*", "ab", false), ("a*", "a*", true), ("a#", "a.b", false),
        ("*", "*", true), ("#", "#", true), ("a.*", "a.*", true),
    ])
    func patternMatchesAsRabbitMQ(pattern: String, key: String, expected: Bool) {
        #expect(Self.matches(pattern, key) == expected, "\(pattern) vs \(key)")
    }

    @Test func everyMatchingDestinationOnceEvenWhenSeveralPatternsMatch() {
        var trie = TopicTrie<String>()
        trie.bind("a.*", to: "q1")
        trie.bind("a.#", to: "q1")
        trie.bind("#", to: "q2")
        trie.bind("b.#", to: "q3")
        #expect(trie.match("a.b") == ["q1", "q2"])
    }

    @Test func unbindRemovesOnlyThatBindingAndPrunes() {
        var trie = TopicTrie<String>()
        let first = trie.bind("a.b", to: "q1")
        let again = trie.bind("a.b", to: "q1")
        #expect(first && !again)
        trie.bind("a.b", to: "q2")
        trie.bind("a.b.c", to: "q1")
        #expect(trie.count == 3)
        let removed = trie.unbind("a.b", from: "q1")
        let removedAgain = trie.unbind("a.b", from: "q1")
        #expect(removed && !removedAgain)
        #expect(trie.match("a.b") == ["q2"])
        #expect(trie.match("a.b.c") == ["q1"])
        trie.unbind("a.b", from: "q2")
        trie.unbind("a.b.c", from: "q1")
        #expect(trie.count == 0)
        #expect(trie.match("a.b.c").isEmpty)
    }

    @Test func copiesAreIndependent() {
        var original = TopicTrie<String>()
        original.bind("a.#", to: "q1")
        var copy = original
        copy.bind("a.#", to: "q2")
        copy.unbind("a.#", from: "q1")
        #expect(original.match("a.b") == ["q1"])
        #expect(copy.match("a.b") == ["q2"])
    }
}
