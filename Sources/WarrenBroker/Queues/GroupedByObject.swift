// GroupedByObject.swift: elements gathered per destination object, in first-seen order.

/// Elements gathered per object they go to (a consumer's sink, a publisher's receiver: class
/// existentials, told apart by identity), so each object is called once with all of its
/// elements. A run of elements for the same object (the common case) costs no lookup; a second
/// object starts a dictionary, so many objects cost one lookup each rather than a search.
struct GroupedByObject<Object, Element> {
    private(set) var groups: [(object: Object, elements: [Element])] = []
    private var positions = ObjectPositions()

    /// `element` is taken, not copied (a delivery copied here retains its message's buffers again).
    /// `id` is `ObjectIdentifier(object)`, taken where the object's type is known: found here,
    /// from the generic `Object`, it takes a dynamic cast per element. `capacity`: the room an
    /// object's list starts with, when this is its first element (a list sized for what will
    /// come grows by one allocation, not one per doubling).
    mutating func append(_ element: consuming Element, to object: Object, id: ObjectIdentifier, capacity: Int = 1) {
        let (position, isNew) = positions.position(of: id)
        if isNew {
            var elements: [Element] = []
            elements.reserveCapacity(capacity)
            elements.append(element)
            groups.append((object, elements))
        } else {
            groups[position].elements.append(element)
        }
    }
}
