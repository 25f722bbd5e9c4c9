// Generated; do not edit. Source: shared/spec/amqp-rabbitmq-0.9.1.json.
// Generator: scripts/generate-amqp.py


// swiftlint:disable all

/// AMQP class ids, as the specification numbers them.
public enum AMQPClass: UInt16, Sendable, CaseIterable {
    case connection = 10
    case channel = 20
    case access = 30
    case exchange = 40
    case queue = 50
    case basic = 60
    case tx = 90
    case confirm = 85
}

/// Methods of the `connection` class (id 10).
public enum Connection {
    /// `connection.start` (method id 10).
    public struct Start: Equatable, Sendable {
        public var versionMajor: UInt8
        public var versionMinor: UInt8
        public var serverProperties: FieldTable
        public var mechanisms: [UInt8]
        public var locales: [UInt8]
        public init(
            versionMajor: UInt8 = 0,
            versionMinor: UInt8 = 9,
            serverProperties: FieldTable = FieldTable(),
            mechanisms: [UInt8] = Array("PLAIN".utf8),
            locales: [UInt8] = Array("en_US".utf8)
        ) {
            self.versionMajor = versionMajor
            self.versionMinor = versionMinor
            self.serverProperties = serverProperties
            self.mechanisms = mechanisms
            self.locales = locales
        }
    }
    /// `connection.start-ok` (method id 11).
    public struct StartOk: Equatable, Sendable {
        public var clientProperties: FieldTable
        public var mechanism: String
        public var response: [UInt8]
        public var locale: String
        public init(
            clientProperties: FieldTable = FieldTable(),
            mechanism: String = "PLAIN",
            response: [UInt8] = [],
            locale: String = "en_US"
        ) {
            self.clientProperties = clientProperties
            self.mechanism = mechanism
            self.response = response
            self.locale = locale
        }
    }
    /// `connection.secure` (method id 20).
    public struct Secure: Equatable, Sendable {
        public var challenge: [UInt8]
        public init(
            challenge: [UInt8] = []
        ) {
            self.challenge = challenge
        }
    }
    /// `connection.secure-ok` (method id 21).
    public struct SecureOk: Equatable, Sendable {
        public var response: [UInt8]
        public init(
            response: [UInt8] = []
        ) {
            self.response = response
        }
    }
    /// `connection.tune` (method id 30).
    public struct Tune: Equatable, Sendable {
        public var channelMax: UInt16
        public var frameMax: UInt32
        public var heartbeat: UInt16
        public init(
            channelMax: UInt16 = 0,
            frameMax: UInt32 = 0,
            heartbeat: UInt16 = 0
        ) {
            self.channelMax = channelMax
            self.frameMax = frameMax
            self.heartbeat = heartbeat
        }
    }
    /// `connection.tune-ok` (method id 31).
    public struct TuneOk: Equatable, Sendable {
        public var channelMax: UInt16
        public var frameMax: UInt32
        public var heartbeat: UInt16
        public init(
            channelMax: UInt16 = 0,
            frameMax: UInt32 = 0,
            heartbeat: UInt16 = 0
        ) {
            self.channelMax = channelMax
            self.frameMax = frameMax
            self.heartbeat = heartbeat
        }
    }
    /// `connection.open` (method id 40).
    public struct Open: Equatable, Sendable {
        public var virtualHost: String
        public var capabilities: String
        public var insist: Bool
        public init(
            virtualHost: String = "/",
            capabilities: String = "",
            insist: Bool = false
        ) {
            self.virtualHost = virtualHost
            self.capabilities = capabilities
            self.insist = insist
        }
    }
    /// `connection.open-ok` (method id 41).
    public struct OpenOk: Equatable, Sendable {
        public var knownHosts: String
        public init(
            knownHosts: String = ""
        ) {
            self.knownHosts = knownHosts
        }
    }
    /// `connection.close` (method id 50).
    public struct Close: Equatable, Sendable {
        public var replyCode: UInt16
        public var replyText: String
        public var classId: UInt16
        public var methodId: UInt16
        public init(
            replyCode: UInt16 = 0,
            replyText: String = "",
            classId: UInt16 = 0,
            methodId: UInt16 = 0
        ) {
            self.replyCode = replyCode
            self.replyText = replyText
            self.classId = classId
            self.methodId = methodId
        }
    }
    /// `connection.close-ok` (method id 51).
    public struct CloseOk: Equatable, Sendable {
        public init() {}
    }
    /// `connection.blocked` (method id 60).
    public struct Blocked: Equatable, Sendable {
        public var reason: String
        public init(
            reason: String = ""
        ) {
            self.reason = reason
        }
    }
    /// `connection.unblocked` (method id 61).
    public struct Unblocked: Equatable, Sendable {
        public init() {}
    }
    /// `connection.update-secret` (method id 70).
    public struct UpdateSecret: Equatable, Sendable {
        public var newSecret: [UInt8]
        public var reason: String
        public init(
            newSecret: [UInt8] = [],
            reason: String = ""
        ) {
            self.newSecret = newSecret
            self.reason = reason
        }
    }
    /// `connection.update-secret-ok` (method id 71).
    public struct UpdateSecretOk: Equatable, Sendable {
        public init() {}
    }
}

/// Methods of the `channel` class (id 20).
public enum Channel {
    /// `channel.open` (method id 10).
    public struct Open: Equatable, Sendable {
        public var outOfBand: String
        public init(
            outOfBand: String = ""
        ) {
            self.outOfBand = outOfBand
        }
    }
    /// `channel.open-ok` (method id 11).
    public struct OpenOk: Equatable, Sendable {
        public var channelId: [UInt8]
        public init(
            channelId: [UInt8] = Array("".utf8)
        ) {
            self.channelId = channelId
        }
    }
    /// `channel.flow` (method id 20).
    public struct Flow: Equatable, Sendable {
        public var active: Bool
        public init(
            active: Bool = false
        ) {
            self.active = active
        }
    }
    /// `channel.flow-ok` (method id 21).
    public struct FlowOk: Equatable, Sendable {
        public var active: Bool
        public init(
            active: Bool = false
        ) {
            self.active = active
        }
    }
    /// `channel.close` (method id 40).
    public struct Close: Equatable, Sendable {
        public var replyCode: UInt16
        public var replyText: String
        public var classId: UInt16
        public var methodId: UInt16
        public init(
            replyCode: UInt16 = 0,
            replyText: String = "",
            classId: UInt16 = 0,
            methodId: UInt16 = 0
        ) {
            self.replyCode = replyCode
            self.replyText = replyText
            self.classId = classId
            self.methodId = methodId
        }
    }
    /// `channel.close-ok` (method id 41).
    public struct CloseOk: Equatable, Sendable {
        public init() {}
    }
}

/// Methods of the `access` class (id 30).
public enum Access {
    /// `access.request` (method id 10).
    public struct Request: Equatable, Sendable {
        public var realm: String
        public var exclusive: Bool
        public var passive: Bool
        public var active: Bool
        public var write: Bool
        public var read: Bool
        public init(
            realm: String = "/data",
            exclusive: Bool = false,
            passive: Bool = true,
            active: Bool = true,
            write: Bool = true,
            read: Bool = true
        ) {
            self.realm = realm
            self.exclusive = exclusive
            self.passive = passive
            self.active = active
            self.write = write
            self.read = read
        }
    }
    /// `access.request-ok` (method id 11).
    public struct RequestOk: Equatable, Sendable {
        public var ticket: UInt16
        public init(
            ticket: UInt16 = 1
        ) {
            self.ticket = ticket
        }
    }
}

/// Methods of the `exchange` class (id 40).
public enum Exchange {
    /// `exchange.declare` (method id 10).
    public struct Declare: Equatable, Sendable {
        public var ticket: UInt16
        public var exchange: String
        public var `type`: String
        public var passive: Bool
        public var durable: Bool
        public var autoDelete: Bool
        public var `internal`: Bool
        public var nowait: Bool
        public var arguments: FieldTable
        public init(
            ticket: UInt16 = 0,
            exchange: String = "",
            `type`: String = "direct",
            passive: Bool = false,
            durable: Bool = false,
            autoDelete: Bool = false,
            `internal`: Bool = false,
            nowait: Bool = false,
            arguments: FieldTable = FieldTable()
        ) {
            self.ticket = ticket
            self.exchange = exchange
            self.`type` = `type`
            self.passive = passive
            self.durable = durable
            self.autoDelete = autoDelete
            self.`internal` = `internal`
            self.nowait = nowait
            self.arguments = arguments
        }
    }
    /// `exchange.declare-ok` (method id 11).
    public struct DeclareOk: Equatable, Sendable {
        public init() {}
    }
    /// `exchange.delete` (method id 20).
    public struct Delete: Equatable, Sendable {
        public var ticket: UInt16
        public var exchange: String
        public var ifUnused: Bool
        public var nowait: Bool
        public init(
            ticket: UInt16 = 0,
            exchange: String = "",
            ifUnused: Bool = false,
            nowait: Bool = false
        ) {
            self.ticket = ticket
            self.exchange = exchange
            self.ifUnused = ifUnused
            self.nowait = nowait
        }
    }
    /// `exchange.delete-ok` (method id 21).
    public struct DeleteOk: Equatable, Sendable {
        public init() {}
    }
    /// `exchange.bind` (method id 30).
    public struct Bind: Equatable, Sendable {
        public var ticket: UInt16
        public var destination: String
        public var source: String
        public var routingKey: String
        public var nowait: Bool
        public var arguments: FieldTable
        public init(
            ticket: UInt16 = 0,
            destination: String = "",
            source: String = "",
            routingKey: String = "",
            nowait: Bool = false,
            arguments: FieldTable = FieldTable()
        ) {
            self.ticket = ticket
            self.destination = destination
            self.source = source
            self.routingKey = routingKey
            self.nowait = nowait
            self.arguments = arguments
        }
    }
    /// `exchange.bind-ok` (method id 31).
    public struct BindOk: Equatable, Sendable {
        public init() {}
    }
    /// `exchange.unbind` (method id 40).
    public struct Unbind: Equatable, Sendable {
        public var ticket: UInt16
        public var destination: String
        public var source: String
        public var routingKey: String
        public var nowait: Bool
        public var arguments: FieldTable
        public init(
            ticket: UInt16 = 0,
            destination: String = "",
            source: String = "",
            routingKey: String = "",
            nowait: Bool = false,
            arguments: FieldTable = FieldTable()
        ) {
            self.ticket = ticket
            self.destination = destination
            self.source = source
            self.routingKey = routingKey
            self.nowait = nowait
            self.arguments = arguments
        }
    }
    /// `exchange.unbind-ok` (method id 51).
    public struct UnbindOk: Equatable, Sendable {
        public init() {}
    }
}

/// Methods of the `queue` class (id 50).
public enum Queue {
    /// `queue.declare` (method id 10).
    public struct Declare: Equatable, Sendable {
        public var ticket: UInt16
        public var queue: String
        public var passive: Bool
        public var durable: Bool
        public var exclusive: Bool
        public var autoDelete: Bool
        public var nowait: Bool
        public var arguments: FieldTable
        public init(
            ticket: UInt16 = 0,
            queue: String = "",
            passive: Bool = false,
            durable: Bool = false,
            exclusive: Bool = false,
            autoDelete: Bool = false,
            nowait: Bool = false,
            arguments: FieldTable = FieldTable()
        ) {
            self.ticket = ticket
            self.queue = queue
            self.passive = passive
            self.durable = durable
            self.exclusive = exclusive
            self.autoDelete = autoDelete
            self.nowait = nowait
            self.arguments = arguments
        }
    }
    /// `queue.declare-ok` (method id 11).
    public struct DeclareOk: Equatable, Sendable {
        public var queue: String
        public var messageCount: UInt32
        public var consumerCount: UInt32
        public init(
            queue: String = "",
            messageCount: UInt32 = 0,
            consumerCount: UInt32 = 0
        ) {
            self.queue = queue
            self.messageCount = messageCount
            self.consumerCount = consumerCount
        }
    }
    /// `queue.bind` (method id 20).
    public struct Bind: Equatable, Sendable {
        public var ticket: UInt16
        public var queue: String
        public var exchange: String
        public var routingKey: String
        public var nowait: Bool
        public var arguments: FieldTable
        public init(
            ticket: UInt16 = 0,
            queue: String = "",
            exchange: String = "",
            routingKey: String = "",
            nowait: Bool = false,
            arguments: FieldTable = FieldTable()
        ) {
            self.ticket = ticket
            self.queue = queue
            self.exchange = exchange
            self.routingKey = routingKey
            self.nowait = nowait
            self.arguments = arguments
        }
    }
    /// `queue.bind-ok` (method id 21).
    public struct BindOk: Equatable, Sendable {
        public init() {}
    }
    /// `queue.purge` (method id 30).
    public struct Purge: Equatable, Sendable {
        public var ticket: UInt16
        public var queue: String
        public var nowait: Bool
        public init(
            ticket: UInt16 = 0,
            queue: String = "",
            nowait: Bool = false
        ) {
            self.ticket = ticket
            self.queue = queue
            self.nowait = nowait
        }
    }
    /// `queue.purge-ok` (method id 31).
    public struct PurgeOk: Equatable, Sendable {
        public var messageCount: UInt32
        public init(
            messageCount: UInt32 = 0
        ) {
            self.messageCount = messageCount
        }
    }
    /// `queue.delete` (method id 40).
    public struct Delete: Equatable, Sendable {
        public var ticket: UInt16
        public var queue: String
        public var ifUnused: Bool
        public var ifEmpty: Bool
        public var nowait: Bool
        public init(
            ticket: UInt16 = 0,
            queue: String = "",
            ifUnused: Bool = false,
            ifEmpty: Bool = false,
            nowait: Bool = false
        ) {
            self.ticket = ticket
            self.queue = queue
            self.ifUnused = ifUnused
            self.ifEmpty = ifEmpty
            self.nowait = nowait
        }
    }
    /// `queue.delete-ok` (method id 41).
    public struct DeleteOk: Equatable, Sendable {
        public var messageCount: UInt32
        public init(
            messageCount: UInt32 = 0
        ) {
            self.messageCount = messageCount
        }
    }
    /// `queue.unbind` (method id 50).
    public struct Unbind: Equatable, Sendable {
        public var ticket: UInt16
        public var queue: String
        public var exchange: String
        public var routingKey: String
        public var arguments: FieldTable
        public init(
            ticket: UInt16 = 0,
            queue: String = "",
            exchange: String = "",
            routingKey: String = "",
            arguments: FieldTable = FieldTable()
        ) {
            self.ticket = ticket
            self.queue = queue
            self.exchange = exchange
            self.routingKey = routingKey
            self.arguments = arguments
        }
    }
    /// `queue.unbind-ok` (method id 51).
    public struct UnbindOk: Equatable, Sendable {
        public init() {}
    }
}

/// Methods of the `basic` class (id 60).
public enum Basic {
    /// `basic.qos` (method id 10).
    public struct Qos: Equatable, Sendable {
        public var prefetchSize: UInt32
        public var prefetchCount: UInt16
        public var global: Bool
        public init(
            prefetchSize: UInt32 = 0,
            prefetchCount: UInt16 = 0,
            global: Bool = false
        ) {
            self.prefetchSize = prefetchSize
            self.prefetchCount = prefetchCount
            self.global = global
        }
    }
    /// `basic.qos-ok` (method id 11).
    public struct QosOk: Equatable, Sendable {
        public init() {}
    }
    /// `basic.consume` (method id 20).
    public struct Consume: Equatable, Sendable {
        public var ticket: UInt16
        public var queue: String
        public var consumerTag: String
        public var noLocal: Bool
        public var noAck: Bool
        public var exclusive: Bool
        public var nowait: Bool
        public var arguments: FieldTable
        public init(
            ticket: UInt16 = 0,
            queue: String = "",
            consumerTag: String = "",
            noLocal: Bool = false,
            noAck: Bool = false,
            exclusive: Bool = false,
            nowait: Bool = false,
            arguments: FieldTable = FieldTable()
        ) {
            self.ticket = ticket
            self.queue = queue
            self.consumerTag = consumerTag
            self.noLocal = noLocal
            self.noAck = noAck
            self.exclusive = exclusive
            self.nowait = nowait
            self.arguments = arguments
        }
    }
    /// `basic.consume-ok` (method id 21).
    public struct ConsumeOk: Equatable, Sendable {
        public var consumerTag: String
        public init(
            consumerTag: String = ""
        ) {
            self.consumerTag = consumerTag
        }
    }
    /// `basic.cancel` (method id 30).
    public struct Cancel: Equatable, Sendable {
        public var consumerTag: String
        public var nowait: Bool
        public init(
            consumerTag: String = "",
            nowait: Bool = false
        ) {
            self.consumerTag = consumerTag
            self.nowait = nowait
        }
    }
    /// `basic.cancel-ok` (method id 31).
    public struct CancelOk: Equatable, Sendable {
        public var consumerTag: String
        public init(
            consumerTag: String = ""
        ) {
            self.consumerTag = consumerTag
        }
    }
    /// `basic.publish` (method id 40), followed by content.
    public struct Publish: Equatable, Sendable {
        public var ticket: UInt16
        public var exchange: String
        public var routingKey: String
        public var mandatory: Bool
        public var immediate: Bool
        public init(
            ticket: UInt16 = 0,
            exchange: String = "",
            routingKey: String = "",
            mandatory: Bool = false,
            immediate: Bool = false
        ) {
            self.ticket = ticket
            self.exchange = exchange
            self.routingKey = routingKey
            self.mandatory = mandatory
            self.immediate = immediate
        }
    }
    /// `basic.return` (method id 50), followed by content.
    public struct Return: Equatable, Sendable {
        public var replyCode: UInt16
        public var replyText: String
        public var exchange: String
        public var routingKey: String
        public init(
            replyCode: UInt16 = 0,
            replyText: String = "",
            exchange: String = "",
            routingKey: String = ""
        ) {
            self.replyCode = replyCode
            self.replyText = replyText
            self.exchange = exchange
            self.routingKey = routingKey
        }
    }
    /// `basic.deliver` (method id 60), followed by content.
    public struct Deliver: Equatable, Sendable {
        public var consumerTag: String
        public var deliveryTag: UInt64
        public var redelivered: Bool
        public var exchange: String
        public var routingKey: String
        public init(
            consumerTag: String = "",
            deliveryTag: UInt64 = 0,
            redelivered: Bool = false,
            exchange: String = "",
            routingKey: String = ""
        ) {
            self.consumerTag = consumerTag
            self.deliveryTag = deliveryTag
            self.redelivered = redelivered
            self.exchange = exchange
            self.routingKey = routingKey
        }
    }
    /// `basic.get` (method id 70).
    public struct Get: Equatable, Sendable {
        public var ticket: UInt16
        public var queue: String
        public var noAck: Bool
        public init(
            ticket: UInt16 = 0,
            queue: String = "",
            noAck: Bool = false
        ) {
            self.ticket = ticket
            self.queue = queue
            self.noAck = noAck
        }
    }
    /// `basic.get-ok` (method id 71), followed by content.
    public struct GetOk: Equatable, Sendable {
        public var deliveryTag: UInt64
        public var redelivered: Bool
        public var exchange: String
        public var routingKey: String
        public var messageCount: UInt32
        public init(
            deliveryTag: UInt64 = 0,
            redelivered: Bool = false,
            exchange: String = "",
            routingKey: String = "",
            messageCount: UInt32 = 0
        ) {
            self.deliveryTag = deliveryTag
            self.redelivered = redelivered
            self.exchange = exchange
            self.routingKey = routingKey
            self.messageCount = messageCount
        }
    }
    /// `basic.get-empty` (method id 72).
    public struct GetEmpty: Equatable, Sendable {
        public var clusterId: String
        public init(
            clusterId: String = ""
        ) {
            self.clusterId = clusterId
        }
    }
    /// `basic.ack` (method id 80).
    public struct Ack: Equatable, Sendable {
        public var deliveryTag: UInt64
        public var multiple: Bool
        public init(
            deliveryTag: UInt64 = 0,
            multiple: Bool = false
        ) {
            self.deliveryTag = deliveryTag
            self.multiple = multiple
        }
    }
    /// `basic.reject` (method id 90).
    public struct Reject: Equatable, Sendable {
        public var deliveryTag: UInt64
        public var requeue: Bool
        public init(
            deliveryTag: UInt64 = 0,
            requeue: Bool = true
        ) {
            self.deliveryTag = deliveryTag
            self.requeue = requeue
        }
    }
    /// `basic.recover-async` (method id 100).
    public struct RecoverAsync: Equatable, Sendable {
        public var requeue: Bool
        public init(
            requeue: Bool = false
        ) {
            self.requeue = requeue
        }
    }
    /// `basic.recover` (method id 110).
    public struct Recover: Equatable, Sendable {
        public var requeue: Bool
        public init(
            requeue: Bool = false
        ) {
            self.requeue = requeue
        }
    }
    /// `basic.recover-ok` (method id 111).
    public struct RecoverOk: Equatable, Sendable {
        public init() {}
    }
    /// `basic.nack` (method id 120).
    public struct Nack: Equatable, Sendable {
        public var deliveryTag: UInt64
        public var multiple: Bool
        public var requeue: Bool
        public init(
            deliveryTag: UInt64 = 0,
            multiple: Bool = false,
            requeue: Bool = true
        ) {
            self.deliveryTag = deliveryTag
            self.multiple = multiple
            self.requeue = requeue
        }
    }
}

/// Methods of the `tx` class (id 90).
public enum Tx {
    /// `tx.select` (method id 10).
    public struct Select: Equatable, Sendable {
        public init() {}
    }
    /// `tx.select-ok` (method id 11).
    public struct SelectOk: Equatable, Sendable {
        public init() {}
    }
    /// `tx.commit` (method id 20).
    public struct Commit: Equatable, Sendable {
        public init() {}
    }
    /// `tx.commit-ok` (method id 21).
    public struct CommitOk: Equatable, Sendable {
        public init() {}
    }
    /// `tx.rollback` (method id 30).
    public struct Rollback: Equatable, Sendable {
        public init() {}
    }
    /// `tx.rollback-ok` (method id 31).
    public struct RollbackOk: Equatable, Sendable {
        public init() {}
    }
}

/// Methods of the `confirm` class (id 85).
public enum Confirm {
    /// `confirm.select` (method id 10).
    public struct Select: Equatable, Sendable {
        public var nowait: Bool
        public init(
            nowait: Bool = false
        ) {
            self.nowait = nowait
        }
    }
    /// `confirm.select-ok` (method id 11).
    public struct SelectOk: Equatable, Sendable {
        public init() {}
    }
}

/// Every method of AMQP 0-9-1 with RabbitMQ's extensions.
public enum Method: Equatable, Sendable {
    case connectionStart(Connection.Start)
    case connectionStartOk(Connection.StartOk)
    case connectionSecure(Connection.Secure)
    case connectionSecureOk(Connection.SecureOk)
    case connectionTune(Connection.Tune)
    case connectionTuneOk(Connection.TuneOk)
    case connectionOpen(Connection.Open)
    case connectionOpenOk(Connection.OpenOk)
    case connectionClose(Connection.Close)
    case connectionCloseOk(Connection.CloseOk)
    case connectionBlocked(Connection.Blocked)
    case connectionUnblocked(Connection.Unblocked)
    case connectionUpdateSecret(Connection.UpdateSecret)
    case connectionUpdateSecretOk(Connection.UpdateSecretOk)
    case channelOpen(Channel.Open)
    case channelOpenOk(Channel.OpenOk)
    case channelFlow(Channel.Flow)
    case channelFlowOk(Channel.FlowOk)
    case channelClose(Channel.Close)
    case channelCloseOk(Channel.CloseOk)
    case accessRequest(Access.Request)
    case accessRequestOk(Access.RequestOk)
    case exchangeDeclare(Exchange.Declare)
    case exchangeDeclareOk(Exchange.DeclareOk)
    case exchangeDelete(Exchange.Delete)
    case exchangeDeleteOk(Exchange.DeleteOk)
    case exchangeBind(Exchange.Bind)
    case exchangeBindOk(Exchange.BindOk)
    case exchangeUnbind(Exchange.Unbind)
    case exchangeUnbindOk(Exchange.UnbindOk)
    case queueDeclare(Queue.Declare)
    case queueDeclareOk(Queue.DeclareOk)
    case queueBind(Queue.Bind)
    case queueBindOk(Queue.BindOk)
    case queuePurge(Queue.Purge)
    case queuePurgeOk(Queue.PurgeOk)
    case queueDelete(Queue.Delete)
    case queueDeleteOk(Queue.DeleteOk)
    case queueUnbind(Queue.Unbind)
    case queueUnbindOk(Queue.UnbindOk)
    case basicQos(Basic.Qos)
    case basicQosOk(Basic.QosOk)
    case basicConsume(Basic.Consume)
    case basicConsumeOk(Basic.ConsumeOk)
    case basicCancel(Basic.Cancel)
    case basicCancelOk(Basic.CancelOk)
    case basicPublish(Basic.Publish)
    case basicReturn(Basic.Return)
    case basicDeliver(Basic.Deliver)
    case basicGet(Basic.Get)
    case basicGetOk(Basic.GetOk)
    case basicGetEmpty(Basic.GetEmpty)
    case basicAck(Basic.Ack)
    case basicReject(Basic.Reject)
    case basicRecoverAsync(Basic.RecoverAsync)
    case basicRecover(Basic.Recover)
    case basicRecoverOk(Basic.RecoverOk)
    case basicNack(Basic.Nack)
    case txSelect(Tx.Select)
    case txSelectOk(Tx.SelectOk)
    case txCommit(Tx.Commit)
    case txCommitOk(Tx.CommitOk)
    case txRollback(Tx.Rollback)
    case txRollbackOk(Tx.RollbackOk)
    case confirmSelect(Confirm.Select)
    case confirmSelectOk(Confirm.SelectOk)
}

extension Method {
    public var classID: UInt16 {
        switch self {
        case .connectionStart: return 10
        case .connectionStartOk: return 10
        case .connectionSecure: return 10
        case .connectionSecureOk: return 10
        case .connectionTune: return 10
        case .connectionTuneOk: return 10
        case .connectionOpen: return 10
        case .connectionOpenOk: return 10
        case .connectionClose: return 10
        case .connectionCloseOk: return 10
        case .connectionBlocked: return 10
        case .connectionUnblocked: return 10
        case .connectionUpdateSecret: return 10
        case .connectionUpdateSecretOk: return 10
        case .channelOpen: return 20
        case .channelOpenOk: return 20
        case .channelFlow: return 20
        case .channelFlowOk: return 20
        case .channelClose: return 20
        case .channelCloseOk: return 20
        case .accessRequest: return 30
        case .accessRequestOk: return 30
        case .exchangeDeclare: return 40
        case .exchangeDeclareOk: return 40
        case .exchangeDelete: return 40
        case .exchangeDeleteOk: return 40
        case .exchangeBind: return 40
        case .exchangeBindOk: return 40
        case .exchangeUnbind: return 40
        case .exchangeUnbindOk: return 40
        case .queueDeclare: return 50
        case .queueDeclareOk: return 50
        case .queueBind: return 50
        case .queueBindOk: return 50
        case .queuePurge: return 50
        case .queuePurgeOk: return 50
        case .queueDelete: return 50
        case .queueDeleteOk: return 50
        case .queueUnbind: return 50
        case .queueUnbindOk: return 50
        case .basicQos: return 60
        case .basicQosOk: return 60
        case .basicConsume: return 60
        case .basicConsumeOk: return 60
        case .basicCancel: return 60
        case .basicCancelOk: return 60
        case .basicPublish: return 60
        case .basicReturn: return 60
        case .basicDeliver: return 60
        case .basicGet: return 60
        case .basicGetOk: return 60
        case .basicGetEmpty: return 60
        case .basicAck: return 60
        case .basicReject: return 60
        case .basicRecoverAsync: return 60
        case .basicRecover: return 60
        case .basicRecoverOk: return 60
        case .basicNack: return 60
        case .txSelect: return 90
        case .txSelectOk: return 90
        case .txCommit: return 90
        case .txCommitOk: return 90
        case .txRollback: return 90
        case .txRollbackOk: return 90
        case .confirmSelect: return 85
        case .confirmSelectOk: return 85
        }
    }
    public var methodID: UInt16 {
        switch self {
        case .connectionStart: return 10
        case .connectionStartOk: return 11
        case .connectionSecure: return 20
        case .connectionSecureOk: return 21
        case .connectionTune: return 30
        case .connectionTuneOk: return 31
        case .connectionOpen: return 40
        case .connectionOpenOk: return 41
        case .connectionClose: return 50
        case .connectionCloseOk: return 51
        case .connectionBlocked: return 60
        case .connectionUnblocked: return 61
        case .connectionUpdateSecret: return 70
        case .connectionUpdateSecretOk: return 71
        case .channelOpen: return 10
        case .channelOpenOk: return 11
        case .channelFlow: return 20
        case .channelFlowOk: return 21
        case .channelClose: return 40
        case .channelCloseOk: return 41
        case .accessRequest: return 10
        case .accessRequestOk: return 11
        case .exchangeDeclare: return 10
        case .exchangeDeclareOk: return 11
        case .exchangeDelete: return 20
        case .exchangeDeleteOk: return 21
        case .exchangeBind: return 30
        case .exchangeBindOk: return 31
        case .exchangeUnbind: return 40
        case .exchangeUnbindOk: return 51
        case .queueDeclare: return 10
        case .queueDeclareOk: return 11
        case .queueBind: return 20
        case .queueBindOk: return 21
        case .queuePurge: return 30
        case .queuePurgeOk: return 31
        case .queueDelete: return 40
        case .queueDeleteOk: return 41
        case .queueUnbind: return 50
        case .queueUnbindOk: return 51
        case .basicQos: return 10
        case .basicQosOk: return 11
        case .basicConsume: return 20
        case .basicConsumeOk: return 21
        case .basicCancel: return 30
        case .basicCancelOk: return 31
        case .basicPublish: return 40
        case .basicReturn: return 50
        case .basicDeliver: return 60
        case .basicGet: return 70
        case .basicGetOk: return 71
        case .basicGetEmpty: return 72
        case .basicAck: return 80
        case .basicReject: return 90
        case .basicRecoverAsync: return 100
        case .basicRecover: return 110
        case .basicRecoverOk: return 111
        case .basicNack: return 120
        case .txSelect: return 10
        case .txSelectOk: return 11
        case .txCommit: return 20
        case .txCommitOk: return 21
        case .txRollback: return 30
        case .txRollbackOk: return 31
        case .confirmSelect: return 10
        case .confirmSelectOk: return 11
        }
    }
    public var name: String {
        switch self {
        case .connectionStart: return "connection.start"
        case .connectionStartOk: return "connection.start-ok"
        case .connectionSecure: return "connection.secure"
        case .connectionSecureOk: return "connection.secure-ok"
        case .connectionTune: return "connection.tune"
        case .connectionTuneOk: return "connection.tune-ok"
        case .connectionOpen: return "connection.open"
        case .connectionOpenOk: return "connection.open-ok"
        case .connectionClose: return "connection.close"
        case .connectionCloseOk: return "connection.close-ok"
        case .connectionBlocked: return "connection.blocked"
        case .connectionUnblocked: return "connection.unblocked"
        case .connectionUpdateSecret: return "connection.update-secret"
        case .connectionUpdateSecretOk: return "connection.update-secret-ok"
        case .channelOpen: return "channel.open"
        case .channelOpenOk: return "channel.open-ok"
        case .channelFlow: return "channel.flow"
        case .channelFlowOk: return "channel.flow-ok"
        case .channelClose: return "channel.close"
        case .channelCloseOk: return "channel.close-ok"
        case .accessRequest: return "access.request"
        case .accessRequestOk: return "access.request-ok"
        case .exchangeDeclare: return "exchange.declare"
        case .exchangeDeclareOk: return "exchange.declare-ok"
        case .exchangeDelete: return "exchange.delete"
        case .exchangeDeleteOk: return "exchange.delete-ok"
        case .exchangeBind: return "exchange.bind"
        case .exchangeBindOk: return "exchange.bind-ok"
        case .exchangeUnbind: return "exchange.unbind"
        case .exchangeUnbindOk: return "exchange.unbind-ok"
        case .queueDeclare: return "queue.declare"
        case .queueDeclareOk: return "queue.declare-ok"
        case .queueBind: return "queue.bind"
        case .queueBindOk: return "queue.bind-ok"
        case .queuePurge: return "queue.purge"
        case .queuePurgeOk: return "queue.purge-ok"
        case .queueDelete: return "queue.delete"
        case .queueDeleteOk: return "queue.delete-ok"
        case .queueUnbind: return "queue.unbind"
        case .queueUnbindOk: return "queue.unbind-ok"
        case .basicQos: return "basic.qos"
        case .basicQosOk: return "basic.qos-ok"
        case .basicConsume: return "basic.consume"
        case .basicConsumeOk: return "basic.consume-ok"
        case .basicCancel: return "basic.cancel"
        case .basicCancelOk: return "basic.cancel-ok"
        case .basicPublish: return "basic.publish"
        case .basicReturn: return "basic.return"
        case .basicDeliver: return "basic.deliver"
        case .basicGet: return "basic.get"
        case .basicGetOk: return "basic.get-ok"
        case .basicGetEmpty: return "basic.get-empty"
        case .basicAck: return "basic.ack"
        case .basicReject: return "basic.reject"
        case .basicRecoverAsync: return "basic.recover-async"
        case .basicRecover: return "basic.recover"
        case .basicRecoverOk: return "basic.recover-ok"
        case .basicNack: return "basic.nack"
        case .txSelect: return "tx.select"
        case .txSelectOk: return "tx.select-ok"
        case .txCommit: return "tx.commit"
        case .txCommitOk: return "tx.commit-ok"
        case .txRollback: return "tx.rollback"
        case .txRollbackOk: return "tx.rollback-ok"
        case .confirmSelect: return "confirm.select"
        case .confirmSelectOk: return "confirm.select-ok"
        }
    }
    public var hasContent: Bool {
        switch self {
        case .connectionStart: return false
        case .connectionStartOk: return false
        case .connectionSecure: return false
        case .connectionSecureOk: return false
        case .connectionTune: return false
        case .connectionTuneOk: return false
        case .connectionOpen: return false
        case .connectionOpenOk: return false
        case .connectionClose: return false
        case .connectionCloseOk: return false
        case .connectionBlocked: return false
        case .connectionUnblocked: return false
        case .connectionUpdateSecret: return false
        case .connectionUpdateSecretOk: return false
        case .channelOpen: return false
        case .channelOpenOk: return false
        case .channelFlow: return false
        case .channelFlowOk: return false
        case .channelClose: return false
        case .channelCloseOk: return false
        case .accessRequest: return false
        case .accessRequestOk: return false
        case .exchangeDeclare: return false
        case .exchangeDeclareOk: return false
        case .exchangeDelete: return false
        case .exchangeDeleteOk: return false
        case .exchangeBind: return false
        case .exchangeBindOk: return false
        case .exchangeUnbind: return false
        case .exchangeUnbindOk: return false
        case .queueDeclare: return false
        case .queueDeclareOk: return false
        case .queueBind: return false
        case .queueBindOk: return false
        case .queuePurge: return false
        case .queuePurgeOk: return false
        case .queueDelete: return false
        case .queueDeleteOk: return false
        case .queueUnbind: return false
        case .queueUnbindOk: return false
        case .basicQos: return false
        case .basicQosOk: return false
        case .basicConsume: return false
        case .basicConsumeOk: return false
        case .basicCancel: return false
        case .basicCancelOk: return false
        case .basicPublish: return true
        case .basicReturn: return true
        case .basicDeliver: return true
        case .basicGet: return false
        case .basicGetOk: return true
        case .basicGetEmpty: return false
        case .basicAck: return false
        case .basicReject: return false
        case .basicRecoverAsync: return false
        case .basicRecover: return false
        case .basicRecoverOk: return false
        case .basicNack: return false
        case .txSelect: return false
        case .txSelectOk: return false
        case .txCommit: return false
        case .txCommitOk: return false
        case .txRollback: return false
        case .txRollbackOk: return false
        case .confirmSelect: return false
        case .confirmSelectOk: return false
        }
    }
    public var isSynchronous: Bool {
        switch self {
        case .connectionStart: return true
        case .connectionStartOk: return false
        case .connectionSecure: return true
        case .connectionSecureOk: return false
        case .connectionTune: return true
        case .connectionTuneOk: return false
        case .connectionOpen: return true
        case .connectionOpenOk: return false
        case .connectionClose: return true
        case .connectionCloseOk: return false
        case .connectionBlocked: return false
        case .connectionUnblocked: return false
        case .connectionUpdateSecret: return true
        case .connectionUpdateSecretOk: return false
        case .channelOpen: return true
        case .channelOpenOk: return false
        case .channelFlow: return true
        case .channelFlowOk: return false
        case .channelClose: return true
        case .channelCloseOk: return false
        case .accessRequest: return true
        case .accessRequestOk: return false
        case .exchangeDeclare: return true
        case .exchangeDeclareOk: return false
        case .exchangeDelete: return true
        case .exchangeDeleteOk: return false
        case .exchangeBind: return true
        case .exchangeBindOk: return false
        case .exchangeUnbind: return true
        case .exchangeUnbindOk: return false
        case .queueDeclare: return true
        case .queueDeclareOk: return false
        case .queueBind: return true
        case .queueBindOk: return false
        case .queuePurge: return true
        case .queuePurgeOk: return false
        case .queueDelete: return true
        case .queueDeleteOk: return false
        case .queueUnbind: return true
        case .queueUnbindOk: return false
        case .basicQos: return true
        case .basicQosOk: return false
        case .basicConsume: return true
        case .basicConsumeOk: return false
        case .basicCancel: return true
        case .basicCancelOk: return false
        case .basicPublish: return false
        case .basicReturn: return false
        case .basicDeliver: return false
        case .basicGet: return true
        case .basicGetOk: return false
        case .basicGetEmpty: return false
        case .basicAck: return false
        case .basicReject: return false
        case .basicRecoverAsync: return false
        case .basicRecover: return true
        case .basicRecoverOk: return false
        case .basicNack: return false
        case .txSelect: return true
        case .txSelectOk: return false
        case .txCommit: return true
        case .txCommitOk: return false
        case .txRollback: return true
        case .txRollbackOk: return false
        case .confirmSelect: return true
        case .confirmSelectOk: return false
        }
    }
}
