// ObjectJSON.swift: exchanges, queues, bindings, connections, channels and consumers in the
// JSON shapes RabbitMQ 3.10's management API uses.
import Foundation
import WarrenBroker

enum ObjectJSON {
    /// The node's name in every object, as RabbitMQ's `rabbit@host`.
    static let node = "warren@" + (ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost")

    static func rate(_ value: Double) -> JSONValue { .object(["rate": .double((value * 10).rounded() / 10)]) }

    static func exchange(vhost: String, _ exchange: ExchangeDefinition) -> JSONValue {
        .object([
            "name": .string(exchange.name), "vhost": .string(vhost), "type": .string(exchange.type.rawValue),
            "durable": .bool(exchange.durable), "auto_delete": .bool(exchange.autoDelete),
            "internal": .bool(exchange.internal), "arguments": .object(JSONValue.members(exchange.arguments)),
            "user_who_performed_action": .string(exchange.name.isEmpty || exchange.name.hasPrefix("amq.") ? "rmq-internal" : ""),
        ])
    }

    static func messageStats(_ counters: MessageCounters, _ rates: MessageRates) -> JSONValue {
        .object([
            "publish": .int(Int64(counters.published)), "publish_details": rate(rates.published),
            "deliver_get": .int(Int64(counters.delivered)), "deliver_get_details": rate(rates.delivered),
            "deliver": .int(Int64(counters.delivered)), "deliver_details": rate(rates.delivered),
            "redeliver": .int(Int64(counters.redelivered)), "redeliver_details": rate(rates.redelivered),
            "ack": .int(Int64(counters.acknowledged)), "ack_details": rate(rates.acknowledged),
        ])
    }

    static func queue(_ info: QueueInfo) -> JSONValue {
        let definition = info.definition
        let total = info.messagesReady + info.messagesUnacknowledged
        var members: [String: JSONValue] = [
            "name": .string(definition.name), "vhost": .string(info.vhost), "durable": .bool(definition.durable),
            "auto_delete": .bool(definition.autoDelete), "exclusive": .bool(definition.exclusiveOwner != nil),
            "arguments": .object(JSONValue.members(definition.arguments)), "node": .string(node),
            "type": .string(info.type), "state": .string("running"),
            "policy": info.policy.map(JSONValue.string) ?? .null, "effective_policy_definition": .object([:]),
            "messages": .int(Int64(total)), "messages_details": rate(0),
            "messages_ready": .int(Int64(info.messagesReady)), "messages_ready_details": rate(0),
            "messages_unacknowledged": .int(Int64(info.messagesUnacknowledged)),
            "messages_unacknowledged_details": rate(0),
            "consumers": .int(Int64(info.consumers)), "exclusive_consumer_tag": .null,
            "message_stats": messageStats(info.counters, info.rates),
            "segments": .int(Int64(info.segmentCount)), "log_bytes": .int(info.logBytes),
        ]
        if !info.groups.isEmpty { members["consumer_groups"] = .array(info.groups.map(group)) }
        return .object(members)
    }

    static func group(_ group: GroupInfo) -> JSONValue {
        .object([
            "name": .string(group.name), "consumers": .int(Int64(group.consumers)), "lag": .int(Int64(group.lag)),
            "partitions": .array(group.partitions.map { partition in
                .object([
                    "partition": .int(Int64(partition.index)), "ack_floor": .int(Int64(partition.ackFloor)),
                    "cursor": .int(Int64(partition.cursor)), "log_start": .int(Int64(partition.logStart)),
                    "log_end": .int(Int64(partition.logEnd)), "lag": .int(Int64(partition.lag)),
                    "unacknowledged": .int(Int64(partition.unacknowledged)),
                ])
            }),
        ])
    }

    /// RabbitMQ's `properties_key`: the routing key (`~` when empty) and, with arguments, a
    /// hash of them after a `~`.
    static func propertiesKey(_ binding: Binding) -> String {
        let key = binding.routingKey.isEmpty ? "~" : binding.routingKey
        guard !binding.arguments.entries.isEmpty else { return key }
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in "\(binding.arguments.entries.map { "\($0.key)=\(JSONValue($0.value))" })".utf8 {
            hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211
        }
        return (binding.routingKey.isEmpty ? "" : binding.routingKey) + "~" + String(hash, radix: 36)
    }

    static func binding(vhost: String, _ binding: Binding) -> JSONValue {
        let (type, destination) = switch binding.destination {
        case .queue(let name): ("queue", name)
        case .exchange(let name): ("exchange", name)
        }
        return .object([
            "source": .string(binding.source), "vhost": .string(vhost), "destination": .string(destination),
            "destination_type": .string(type), "routing_key": .string(binding.routingKey),
            "arguments": .object(JSONValue.members(binding.arguments)),
            "properties_key": .string(propertiesKey(binding)),
        ])
    }

    /// The bindings of a vhost as RabbitMQ lists them: the default exchange's implicit
    /// binding of every queue first, then the declared ones.
    static func bindings(_ topology: Topology) -> [Binding] {
        let implicit = topology.queues.keys.sorted().map {
            Binding(source: "", destination: .queue($0), routingKey: $0)
        }
        let declared = topology.bindings.sorted {
            ($0.source, "\($0.destination)", $0.routingKey) < ($1.source, "\($1.destination)", $1.routingKey)
        }
        return implicit + declared
    }

    static func connection(_ connection: ClientConnection) -> JSONValue {
        var properties = connection.clientProperties.mapValues(JSONValue.string)
        properties["capabilities"] = .object(connection.capabilities.mapValues(JSONValue.bool))
        return .object([
            "name": .string(connection.name), "node": .string(node), "user": .string(connection.user),
            "vhost": .string(connection.vhost), "peer_host": .string(connection.peerHost),
            "peer_port": .int(Int64(connection.peerPort)), "host": .string(connection.host),
            "port": .int(Int64(connection.port)), "protocol": .string(connection.protocol),
            "ssl": .bool(connection.tls), "state": .string(connection.blocked ? "blocked" : "running"),
            "channels": .int(Int64(connection.channels.count)), "connected_at": .int(connection.connectedAt),
            "frame_max": .int(Int64(connection.frameMax)), "channel_max": .int(Int64(connection.channelMax)),
            "timeout": .int(Int64(connection.heartbeatSeconds)), "type": .string("network"),
            "auth_mechanism": .string("PLAIN"), "client_properties": .object(properties),
            "user_provided_name": connection.clientProperties["connection_name"].map(JSONValue.string) ?? .null,
        ])
    }

    static func channelName(_ connection: ClientConnection, _ number: UInt16) -> String {
        "\(connection.name) (\(number))"
    }

    static func channel(_ connection: ClientConnection, _ channel: ClientChannel) -> JSONValue {
        .object([
            "name": .string(channelName(connection, channel.number)), "number": .int(Int64(channel.number)),
            "node": .string(node), "user": .string(connection.user), "vhost": .string(connection.vhost),
            "connection_details": .object([
                "name": .string(connection.name), "peer_host": .string(connection.peerHost),
                "peer_port": .int(Int64(connection.peerPort)),
            ]),
            "confirm": .bool(channel.confirm), "transactional": .bool(channel.transactional),
            "prefetch_count": .int(Int64(channel.prefetch)), "global_prefetch_count": .int(Int64(channel.globalPrefetch)),
            "consumer_count": .int(Int64(channel.consumers)), "state": .string("running"),
        ])
    }

    static func consumer(_ consumer: ConsumerInfo, connections: [ConnectionID: ClientConnection]) -> JSONValue {
        var channelDetails: JSONValue = .object([:])
        if let label = consumer.label, let connection = connections[label.connection] {
            channelDetails = .object([
                "name": .string(channelName(connection, label.channel)), "number": .int(Int64(label.channel)),
                "connection_name": .string(connection.name), "peer_host": .string(connection.peerHost),
                "peer_port": .int(Int64(connection.peerPort)), "user": .string(connection.user),
            ])
        }
        var arguments: [String: JSONValue] = [:]
        if consumer.priority != 0 { arguments["x-priority"] = .int(Int64(consumer.priority)) }
        if consumer.group != "default" { arguments["x-consumer-group"] = .string(consumer.group) }
        return .object([
            "consumer_tag": .string(consumer.label?.tag ?? "\(consumer.consumer)"),
            "queue": .object(["name": .string(consumer.queue), "vhost": .string(consumer.vhost)]),
            "channel_details": channelDetails, "ack_required": .bool(!consumer.noAck),
            "exclusive": .bool(consumer.exclusive), "prefetch_count": .int(Int64(consumer.prefetch)),
            "arguments": .object(arguments), "active": .bool(true), "activity_status": .string("up"),
        ])
    }
}
