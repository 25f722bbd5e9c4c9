// GroupedByObject.swift: elements gathered per destination object, in first-seen order.

/// Elements gathered per object they go to (a consumer's sink, a publisher's receiver: class
/// existentials, told apart by identity), so each object is called once with all of its
/// elements. A run of elements for the same object (the common case) costs no lookup; a second
/// object starts a dictionary, so many objects cost one lookup each rather than a search.
struct GroupedByObject<Object, Element> {
    private(set) var groups: [(object: Object, elements: [Element])] = []
    /// The object the last element went to, and its group.
    private var last: (id: ObjectIdentifier, position: Int)?
    /// Each object's group, once there are two (with one, `last` says it).
    private var positions: [ObjectIdentifier: Int] = [:]

    /// `element` is taken, not copied (a delivery copied here retains its message's buffers again).
    /// `id` is `ObjectIdentifier(object)`, taken where the object's type is known: found here,
    /// from the generic `Object`, it takes a dynamic cast per element.
    mutating func append(_ element: consuming Element, to object: Object, id: ObjectIdentifier) {
        if let last, last.id == id {
            groups[last.position].elements.append(element)
            return
        }
        // While there is one group, `last` is it: it enters the dictionary as a second appears.
        if let last, positions.isEmpty { positions[last.id] = last.position }
        if let position = positions[id] {
            groups[position].elements.append(element)
            last = (id, position)
        } else {
            last = (id, groups.count)
            if !groups.isEmpty { positions[id] = groups.count }
            groups.append((object, [element]))
        }
    }
}
