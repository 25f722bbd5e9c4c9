// ChannelTable.swift: per-channel state by channel number, changed in place.

/// A connection's per-channel values by channel number. Numbers below `denseCount` (the ones
/// clients use) sit in an array: a frame's lookup is an index, and a change to the value is made
/// in place, where a `Dictionary` hashes the number and moves the value out and back on every
/// mutation. Higher numbers (up to 65535) go to a dictionary, so a client picking channel 2047
/// costs no more memory than one picking channel 1.
struct ChannelTable<Value>: ExpressibleByDictionaryLiteral {
    static var denseCount: Int { 64 }

    private var dense: [Value?] = []
    private var sparse: [UInt16: Value] = [:]
    private(set) var count = 0

    init() {}

    init(dictionaryLiteral elements: (UInt16, Value)...) {
        for (channel, value) in elements { self[channel] = value }
    }

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
        // `_read` lends the value: `table[n]!.field` reads one field without copying the whole value.
        _read {
            let index = Int(channel)
            if index >= Self.denseCount {
                yield sparse[channel]
            } else if index < dense.count {
                yield dense[index]
            } else {
                yield nil
            }
        }
        _modify {
            let index = Int(channel)
            if index < Self.denseCount {
                if index >= dense.count { dense.append(contentsOf: repeatElement(nil, count: index + 1 - dense.count)) }
                let was = dense[index] != nil
                yield &dense[index]
                count += (dense[index] != nil ? 1 : 0) - (was ? 1 : 0)
            } else {
                let was = sparse[channel] != nil
                yield &sparse[channel]
                count += (sparse[channel] != nil ? 1 : 0) - (was ? 1 : 0)
            }
        }
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
