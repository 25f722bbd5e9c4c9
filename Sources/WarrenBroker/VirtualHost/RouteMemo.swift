// RouteMemo.swift: a batch's last route, reused by its next publish to the same place.

/// The queues the last publish of a batch was routed to, for the batch's next publish to the
/// same exchange with the same routing keys and no headers (a run of publishes to one place
/// routes once). It lives for one batch: nothing a batch carries (publishes, settlements,
/// delivery grants) changes the topology, so a memo cannot go stale inside it.
struct RouteMemo {
    private var exchange = ""
    private var routingKeys: [String] = []
    private var route: (queues: Int, runtimes: [QueueRuntime])?

    /// The remembered route, when `exchange` and `routingKeys` are the last ones and the
    /// publish has no headers (a headers exchange routes on them).
    func route(exchange: String, routingKeys: [String], headers: ArgumentTable?) -> (queues: Int, runtimes: [QueueRuntime])? {
        guard headers == nil, let route, exchange == self.exchange, routingKeys == self.routingKeys else { return nil }
        return route
    }

    /// Remembers the route of a publish without headers (one with headers may have been routed
    /// on them, which the next publish need not share).
    mutating func remember(exchange: String, routingKeys: [String], headers: ArgumentTable?, queues: Int,
                           runtimes: [QueueRuntime]) {
        guard headers == nil else { return }
        self.exchange = exchange
        self.routingKeys = routingKeys
        route = (queues, runtimes)
    }
}
