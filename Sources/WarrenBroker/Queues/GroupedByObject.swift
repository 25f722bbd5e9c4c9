// GroupedByObject.swift: elements gathered per destination object, in first-seen order.

/// Elements gathered per object they go to (a consumer's sink, a publisher's receiver: class
/// existentials, told apart by identity), so each object is called once with all of its
/// elements. A run of elements for the same object (the common case) costs no lookup; a second
/// object starts a dictionary, so many objects cost one lookup each rather than a search.
struct GroupedByObject<Object, Element> {
    private(set) var groups: [(object: Object, elements: [Element])] = []
    private var ids: [ObjectIdentifier] = []
    private var positions: [ObjectIdentifier: Int] = [:]
    private var last = 0

    mutating func append(_ element: Element, to object: Object) {
        let id = ObjectIdentifier(object as AnyObject)
        if last < ids.count && ids[last] == id {
            groups[last].elements.append(element)
            return
        }
        if ids.isEmpty {
            ids.append(id)
            groups.append((object, [element]))
            return
        }
        if positions.isEmpty { positions[ids[0]] = 0 }
        if let position = positions[id] {
            last = position
            groups[position].elements.append(element)
        } else {
            last = groups.count
            positions[id] = last
            ids.append(id)
            groups.append((object, [element]))
        }
    }
}
