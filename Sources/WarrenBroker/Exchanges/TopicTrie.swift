// TopicTrie.swift: topic-exchange bindings as a trie over dot-separated words.
//
// Semantics follow RabbitMQ: keys split on "." into words (an empty key is one empty word);
// "*" matches exactly one word, "#" matches zero or more words; anything else matches itself
// (so "a*" is a literal word). Matching walks the trie once per routing key, branching only
// where "#" can absorb a variable number of words.

/// Bindings from topic patterns to destinations of type `Destination`.
public struct TopicTrie<Destination: Hashable & Sendable>: Sendable {
    final class Node: @unchecked Sendable {
        // @unchecked: nodes are mutated only through the owning trie, which copies on write
        // (see `makeUnique`), so a node shared between values is never mutated.
        var children: [Substring: Node] = [:]
        var destinations: Set<Destination> = []

        func copy() -> Node {
            let node = Node()
            node.destinations = destinations
            node.children = children.mapValues { $0.copy() }
            return node
        }

        var isEmpty: Bool { children.isEmpty && destinations.isEmpty }
    }

    private var root = Node()
    /// Number of (pattern, destination) bindings.
    public private(set) var count = 0

    public init() {}

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&root) { root = root.copy() }
    }

    /// Adds a binding; returns false if it already existed.
    @discardableResult
    public mutating func bind(_ pattern: String, to destination: Destination) -> Bool {
        makeUnique()
        var node = root
        for word in pattern.split(separator: ".", omittingEmptySubsequences: false) {
            if let next = node.children[word] {
                node = next
            } else {
                let next = Node()
                node.children[word] = next
                node = next
            }
        }
        let inserted = node.destinations.insert(destination).inserted
        if inserted { count += 1 }
        return inserted
    }

    /// Removes a binding; returns false if it did not exist. Empty branches are pruned.
    @discardableResult
    public mutating func unbind(_ pattern: String, from destination: Destination) -> Bool {
        makeUnique()
        let words = pattern.split(separator: ".", omittingEmptySubsequences: false)
        let removed = Self.remove(words[...], destination, from: root)
        if removed { count -= 1 }
        return removed
    }

    private static func remove(_ words: ArraySlice<Substring>, _ destination: Destination, from node: Node) -> Bool {
        guard let word = words.first else { return node.destinations.remove(destination) != nil }
        guard let child = node.children[word] else { return false }
        let removed = remove(words.dropFirst(), destination, from: child)
        if child.isEmpty { node.children[word] = nil }
        return removed
    }

    /// Every destination whose pattern matches `routingKey`, each once.
    public func match(_ routingKey: String) -> Set<Destination> {
        var result = Set<Destination>()
        let words = routingKey.split(separator: ".", omittingEmptySubsequences: false)
        Self.collect(node: root, words: words[...], into: &result)
        return result
    }

    private static func collect(node: Node, words: ArraySlice<Substring>, into result: inout Set<Destination>) {
        if let hash = node.children["#"] {
            // "#" absorbs zero, one, ... or all remaining words.
            var rest = words
            while true {
                collect(node: hash, words: rest, into: &result)
                guard !rest.isEmpty else { break }
                rest = rest.dropFirst()
            }
        }
        guard let word = words.first else {
            result.formUnion(node.destinations)
            return
        }
        let rest = words.dropFirst()
        if let exact = node.children[word] { collect(node: exact, words: rest, into: &result) }
        // A routing-key word that is literally "*" already reached the star node as `exact`.
        if word != "*", let star = node.children["*"] { collect(node: star, words: rest, into: &result) }
    }
}
