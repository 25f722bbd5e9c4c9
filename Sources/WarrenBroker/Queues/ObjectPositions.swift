// ObjectPositions.swift: where each object's entry sits in a list kept in first-seen order.

/// The position of each object (told apart by identity) in a list its owner keeps in
/// first-seen order. A run for the same object (the common case) costs no lookup; a second
/// object starts a dictionary, so many objects cost one lookup each rather than a search.
struct ObjectPositions {
    /// How many objects have positions (the owner's list is as long).
    private(set) var count = 0
    /// The object asked for last, and its position.
    private var last: (id: ObjectIdentifier, position: Int)?
    /// Each object's position, once there are two (with one, `last` says it).
    private var positions: [ObjectIdentifier: Int] = [:]

    /// The position of the object `id`; `isNew` when it had none (it is then `count - 1`, and
    /// the owner appends its entry).
    mutating func position(of id: ObjectIdentifier) -> (position: Int, isNew: Bool) {
        if let last, last.id == id { return (last.position, false) }
        // While there is one object, `last` is it: it enters the dictionary as a second appears.
        if let last, positions.isEmpty { positions[last.id] = last.position }
        if let known = positions[id] {
            last = (id, known)
            return (known, false)
        }
        let position = count
        count += 1
        if position > 0 { positions[id] = position }
        last = (id, position)
        return (position, true)
    }
}
