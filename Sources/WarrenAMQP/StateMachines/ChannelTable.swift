// ChannelTable.swift: per-channel state by channel number.

/// A connection's per-channel values by channel number. Numbers below `denseCount` (the ones
/// clients use) sit in an array, so a frame's lookup is an index, where a `Dictionary` hashes
/// the number; higher numbers (up to 65535) go to a dictionary, so a client picking channel
/// 2047 costs no more memory than one picking channel 1.
///
/// The subscript is a plain getter and setter, not `_read`/`_modify` accessors: those
/// coroutines, when not inlined, take their frame from malloc on every call (one allocation
/// per frame received, seen in a profile). Values changed per message use `update`, which
/// changes them in place; the session's values are a class (`ChannelSession`), reached through
/// the reference the getter returns.
struct ChannelTable<Value>: ExpressibleByDictionaryLiteral {
    static var denseCount: Int { 64 }

    private var dense: [Value?] = []
    private var sparse: [UInt16: Value] = [:]

    init() {}

    init(dictionaryLiteral elements: (UInt16, Value)...) {
        for (channel, value) in elements { self[channel] = value }
    }

    var count: Int { dense.count { $0 != nil } + sparse.count }
    var isEmpty: Bool { count == 0 }

    /// Whether `channel` has a value (without copying the value out, as `self[channel] != nil` would).
    func contains(_ channel: UInt16) -> Bool {
        let index = Int(channel)
        guard index < Self.denseCount else { return sparse[channel] != nil }
        guard index < dense.count else { return false }
        if case .some = dense[index] { return true }
        return false
    }

    subscript(channel: UInt16) -> Value? {
        get {
            let index = Int(channel)
            guard index < Self.denseCount else { return sparse[channel] }
            return index < dense.count ? dense[index] : nil
        }
        set {
            let index = Int(channel)
            guard index < Self.denseCount else { return sparse[channel] = newValue }
            if index >= dense.count {
                guard newValue != nil else { return }
                dense.append(contentsOf: repeatElement(nil, count: index + 1 - dense.count))
            }
            dense[index] = newValue
        }
    }

    /// Runs `body` on the value of `channel` in place and returns what it returns; nil when the
    /// channel has no value.
    @inline(__always)
    mutating func update<R, E: Error>(_ channel: UInt16, _ body: (inout Value) throws(E) -> R) throws(E) -> R? {
        let index = Int(channel)
        if index < Self.denseCount {
            guard index < dense.count, dense[index] != nil else { return nil }
            return try body(&dense[index]!)
        }
        guard sparse[channel] != nil else { return nil }
        return try body(&sparse[channel]!)
    }

    @discardableResult
    mutating func removeValue(forKey channel: UInt16) -> Value? {
        let value = self[channel]
        self[channel] = nil
        return value
    }

    /// The open channels' numbers, ascending.
    var keys: [UInt16] {
        var keys: [UInt16] = []
        for index in dense.indices where dense[index] != nil { keys.append(UInt16(index)) }
        return keys + sparse.keys.sorted()
    }

    /// The values, in channel-number order.
    var values: [Value] {
        var values = dense.compactMap { $0 }
        for key in sparse.keys.sorted() { values.append(sparse[key]!) }
        return values
    }
}
