// ExchangeRouter.swift: one exchange's bindings in the form its type matches fastest.

/// Matches a routing key (and headers) to the destinations bound to one exchange.
struct ExchangeRouter: Sendable {
    private(set) var type: ExchangeType
    private var direct: [String: Set<BindingDestination>] = [:]
    private var fanout: [BindingDestination: Int] = [:]
    private var topic = TopicTrie<BindingDestination>()
    private var headers: [HeadersBinding: Set<BindingDestination>] = [:]

    init(type: ExchangeType) { self.type = type }

    /// Adds a binding. Throws when a headers binding's `x-match` is invalid.
    mutating func add(_ binding: Binding) throws(BrokerError) {
        switch type {
        case .direct: direct[binding.routingKey, default: []].insert(binding.destination)
        // Fanout ignores keys, but bindings differing only in key are distinct: count them.
        case .fanout: fanout[binding.destination, default: 0] += 1
        case .topic: topic.bind(binding.routingKey, to: binding.destination)
        case .headers:
            guard let compiled = HeadersBinding(arguments: binding.arguments) else {
                throw BrokerError(.preconditionFailed, "Invalid x-match field value \(binding.arguments["x-match"]?.erlangTerm ?? ""); expected all, any, all-with-x, or any-with-x")
            }
            headers[compiled, default: []].insert(binding.destination)
        }
    }

    mutating func remove(_ binding: Binding) {
        switch type {
        case .direct:
            direct[binding.routingKey]?.remove(binding.destination)
            if direct[binding.routingKey]?.isEmpty == true { direct[binding.routingKey] = nil }
        case .fanout:
            if let count = fanout[binding.destination] {
                fanout[binding.destination] = count > 1 ? count - 1 : nil
            }
        case .topic: topic.unbind(binding.routingKey, from: binding.destination)
        case .headers:
            guard let compiled = HeadersBinding(arguments: binding.arguments) else { return }
            headers[compiled]?.remove(binding.destination)
            if headers[compiled]?.isEmpty == true { headers[compiled] = nil }
        }
    }

    /// Destinations for one routing key.
    func match(routingKey: String, headers messageHeaders: ArgumentTable?, into result: inout Set<BindingDestination>) {
        switch type {
        case .direct: if let found = direct[routingKey] { result.formUnion(found) }
        case .fanout: result.formUnion(fanout.keys)
        case .topic: result.formUnion(topic.match(routingKey))
        case .headers:
            for (binding, destinations) in headers where binding.matches(messageHeaders) {
                result.formUnion(destinations)
            }
        }
    }
}
