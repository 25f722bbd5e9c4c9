// RoutingBenchmarks.swift: routing one message through a vhost's topology.
import Benchmark
import WarrenBroker

func routingBenchmarks() {
    Benchmark("Route:_topic_exchange,100_bindings,1_match") { benchmark in
        var topology = Topology(vhost: "/")
        _ = try topology.declareExchange(ExchangeDefinition(name: "events", type: .topic))
        for index in 0..<100 {
            _ = try topology.declareQueue(QueueDefinition(name: "q\(index)"), connection: 1)
            try topology.bind(Binding(source: "events", destination: .queue("q\(index)"),
                                      routingKey: "orders.region\(index).*"))
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try topology.route(exchange: "events", routingKeys: ["orders.region42.created"], headers: nil))
        }
    }

    Benchmark("Route:_default_exchange_to_a_queue") { benchmark in
        var topology = Topology(vhost: "/")
        _ = try topology.declareQueue(QueueDefinition(name: "work"), connection: 1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try topology.route(exchange: "", routingKeys: ["work"], headers: nil))
        }
    }
}
