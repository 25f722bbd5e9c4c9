// Generated; do not edit. Source: shared/spec/amqp-rabbitmq-0.9.1.json.
// Generator: scripts/generate-amqp.py


import NIOCore

extension Method {
    /// Decodes a method frame's payload after its class and method ids; `names` keeps the
    /// last publish's exchange and routing key for the next one to share.
    static func decodeArguments(
        classID: UInt16, methodID: UInt16, from buffer: inout ByteBuffer, names: inout PublishNames
    ) throws(AMQPDecodingError) -> Method {
        switch (classID, methodID) {
        case (10, 10):
            var value = Connection.Start()
            value.versionMajor = try buffer.readAMQPOctet()
            value.versionMinor = try buffer.readAMQPOctet()
            value.serverProperties = try buffer.readAMQPFieldTable()
            value.mechanisms = try buffer.readAMQPLongString()
            value.locales = try buffer.readAMQPLongString()
            return .connectionStart(value)
        case (10, 11):
            var value = Connection.StartOk()
            value.clientProperties = try buffer.readAMQPFieldTable()
            value.mechanism = try buffer.readAMQPShortString()
            value.response = try buffer.readAMQPLongString()
            value.locale = try buffer.readAMQPShortString()
            return .connectionStartOk(value)
        case (10, 20):
            var value = Connection.Secure()
            value.challenge = try buffer.readAMQPLongString()
            return .connectionSecure(value)
        case (10, 21):
            var value = Connection.SecureOk()
            value.response = try buffer.readAMQPLongString()
            return .connectionSecureOk(value)
        case (10, 30):
            var value = Connection.Tune()
            value.channelMax = try buffer.readAMQPShort()
            value.frameMax = try buffer.readAMQPLong()
            value.heartbeat = try buffer.readAMQPShort()
            return .connectionTune(value)
        case (10, 31):
            var value = Connection.TuneOk()
            value.channelMax = try buffer.readAMQPShort()
            value.frameMax = try buffer.readAMQPLong()
            value.heartbeat = try buffer.readAMQPShort()
            return .connectionTuneOk(value)
        case (10, 40):
            var bits: UInt8
            var value = Connection.Open()
            value.virtualHost = try buffer.readAMQPShortString()
            value.capabilities = try buffer.readAMQPShortString()
            bits = try buffer.readAMQPOctet()
            value.insist = bits & 1 != 0
            return .connectionOpen(value)
        case (10, 41):
            var value = Connection.OpenOk()
            value.knownHosts = try buffer.readAMQPShortString()
            return .connectionOpenOk(value)
        case (10, 50):
            var value = Connection.Close()
            value.replyCode = try buffer.readAMQPShort()
            value.replyText = try buffer.readAMQPShortString()
            value.classId = try buffer.readAMQPShort()
            value.methodId = try buffer.readAMQPShort()
            return .connectionClose(value)
        case (10, 51):
            let value = Connection.CloseOk()
            return .connectionCloseOk(value)
        case (10, 60):
            var value = Connection.Blocked()
            value.reason = try buffer.readAMQPShortString()
            return .connectionBlocked(value)
        case (10, 61):
            let value = Connection.Unblocked()
            return .connectionUnblocked(value)
        case (10, 70):
            var value = Connection.UpdateSecret()
            value.newSecret = try buffer.readAMQPLongString()
            value.reason = try buffer.readAMQPShortString()
            return .connectionUpdateSecret(value)
        case (10, 71):
            let value = Connection.UpdateSecretOk()
            return .connectionUpdateSecretOk(value)
        case (20, 10):
            var value = Channel.Open()
            value.outOfBand = try buffer.readAMQPShortString()
            return .channelOpen(value)
        case (20, 11):
            var value = Channel.OpenOk()
            value.channelId = try buffer.readAMQPLongString()
            return .channelOpenOk(value)
        case (20, 20):
            var bits: UInt8
            var value = Channel.Flow()
            bits = try buffer.readAMQPOctet()
            value.active = bits & 1 != 0
            return .channelFlow(value)
        case (20, 21):
            var bits: UInt8
            var value = Channel.FlowOk()
            bits = try buffer.readAMQPOctet()
            value.active = bits & 1 != 0
            return .channelFlowOk(value)
        case (20, 40):
            var value = Channel.Close()
            value.replyCode = try buffer.readAMQPShort()
            value.replyText = try buffer.readAMQPShortString()
            value.classId = try buffer.readAMQPShort()
            value.methodId = try buffer.readAMQPShort()
            return .channelClose(value)
        case (20, 41):
            let value = Channel.CloseOk()
            return .channelCloseOk(value)
        case (30, 10):
            var bits: UInt8
            var value = Access.Request()
            value.realm = try buffer.readAMQPShortString()
            bits = try buffer.readAMQPOctet()
            value.exclusive = bits & 1 != 0
            value.passive = bits & 2 != 0
            value.active = bits & 4 != 0
            value.write = bits & 8 != 0
            value.read = bits & 16 != 0
            return .accessRequest(value)
        case (30, 11):
            var value = Access.RequestOk()
            value.ticket = try buffer.readAMQPShort()
            return .accessRequestOk(value)
        case (40, 10):
            var bits: UInt8
            var value = Exchange.Declare()
            value.ticket = try buffer.readAMQPShort()
            value.exchange = try buffer.readAMQPShortString()
            value.`type` = try buffer.readAMQPShortString()
            bits = try buffer.readAMQPOctet()
            value.passive = bits & 1 != 0
            value.durable = bits & 2 != 0
            value.autoDelete = bits & 4 != 0
            value.`internal` = bits & 8 != 0
            value.nowait = bits & 16 != 0
            value.arguments = try buffer.readAMQPFieldTable()
            return .exchangeDeclare(value)
        case (40, 11):
            let value = Exchange.DeclareOk()
            return .exchangeDeclareOk(value)
        case (40, 20):
            var bits: UInt8
            var value = Exchange.Delete()
            value.ticket = try buffer.readAMQPShort()
            value.exchange = try buffer.readAMQPShortString()
            bits = try buffer.readAMQPOctet()
            value.ifUnused = bits & 1 != 0
            value.nowait = bits & 2 != 0
            return .exchangeDelete(value)
        case (40, 21):
            let value = Exchange.DeleteOk()
            return .exchangeDeleteOk(value)
        case (40, 30):
            var bits: UInt8
            var value = Exchange.Bind()
            value.ticket = try buffer.readAMQPShort()
            value.destination = try buffer.readAMQPShortString()
            value.source = try buffer.readAMQPShortString()
            value.routingKey = try buffer.readAMQPShortString()
            bits = try buffer.readAMQPOctet()
            value.nowait = bits & 1 != 0
            value.arguments = try buffer.readAMQPFieldTable()
            return .exchangeBind(value)
        case (40, 31):
            let value = Exchange.BindOk()
            return .exchangeBindOk(value)
        case (40, 40):
            var bits: UInt8
            var value = Exchange.Unbind()
            value.ticket = try buffer.readAMQPShort()
            value.destination = try buffer.readAMQPShortString()
            value.source = try buffer.readAMQPShortString()
            value.routingKey = try buffer.readAMQPShortString()
            bits = try buffer.readAMQPOctet()
            value.nowait = bits & 1 != 0
            value.arguments = try buffer.readAMQPFieldTable()
            return .exchangeUnbind(value)
        case (40, 51):
            let value = Exchange.UnbindOk()
            return .exchangeUnbindOk(value)
        case (50, 10):
            var bits: UInt8
            var value = Queue.Declare()
            value.ticket = try buffer.readAMQPShort()
            value.queue = try buffer.readAMQPShortString()
            bits = try buffer.readAMQPOctet()
            value.passive = bits & 1 != 0
            value.durable = bits & 2 != 0
            value.exclusive = bits & 4 != 0
            value.autoDelete = bits & 8 != 0
            value.nowait = bits & 16 != 0
            value.arguments = try buffer.readAMQPFieldTable()
            return .queueDeclare(value)
        case (50, 11):
            var value = Queue.DeclareOk()
            value.queue = try buffer.readAMQPShortString()
            value.messageCount = try buffer.readAMQPLong()
            value.consumerCount = try buffer.readAMQPLong()
            return .queueDeclareOk(value)
        case (50, 20):
            var bits: UInt8
            var value = Queue.Bind()
            value.ticket = try buffer.readAMQPShort()
            value.queue = try buffer.readAMQPShortString()
            value.exchange = try buffer.readAMQPShortString()
            value.routingKey = try buffer.readAMQPShortString()
            bits = try buffer.readAMQPOctet()
            value.nowait = bits & 1 != 0
            value.arguments = try buffer.readAMQPFieldTable()
            return .queueBind(value)
        case (50, 21):
            let value = Queue.BindOk()
            return .queueBindOk(value)
        case (50, 30):
            var bits: UInt8
            var value = Queue.Purge()
            value.ticket = try buffer.readAMQPShort()
            value.queue = try buffer.readAMQPShortString()
            bits = try buffer.readAMQPOctet()
            value.nowait = bits & 1 != 0
            return .queuePurge(value)
        case (50, 31):
            var value = Queue.PurgeOk()
            value.messageCount = try buffer.readAMQPLong()
            return .queuePurgeOk(value)
        case (50, 40):
            var bits: UInt8
            var value = Queue.Delete()
            value.ticket = try buffer.readAMQPShort()
            value.queue = try buffer.readAMQPShortString()
            bits = try buffer.readAMQPOctet()
            value.ifUnused = bits & 1 != 0
            value.ifEmpty = bits & 2 != 0
            value.nowait = bits & 4 != 0
            return .queueDelete(value)
        case (50, 41):
            var value = Queue.DeleteOk()
            value.messageCount = try buffer.readAMQPLong()
            return .queueDeleteOk(value)
        case (50, 50):
            var value = Queue.Unbind()
            value.ticket = try buffer.readAMQPShort()
            value.queue = try buffer.readAMQPShortString()
            value.exchange = try buffer.readAMQPShortString()
            value.routingKey = try buffer.readAMQPShortString()
            value.arguments = try buffer.readAMQPFieldTable()
            return .queueUnbind(value)
        case (50, 51):
            let value = Queue.UnbindOk()
            return .queueUnbindOk(value)
        case (60, 10):
            var bits: UInt8
            var value = Basic.Qos()
            value.prefetchSize = try buffer.readAMQPLong()
            value.prefetchCount = try buffer.readAMQPShort()
            bits = try buffer.readAMQPOctet()
            value.global = bits & 1 != 0
            return .basicQos(value)
        case (60, 11):
            let value = Basic.QosOk()
            return .basicQosOk(value)
        case (60, 20):
            var bits: UInt8
            var value = Basic.Consume()
            value.ticket = try buffer.readAMQPShort()
            value.queue = try buffer.readAMQPShortString()
            value.consumerTag = try buffer.readAMQPShortString()
            bits = try buffer.readAMQPOctet()
            value.noLocal = bits & 1 != 0
            value.noAck = bits & 2 != 0
            value.exclusive = bits & 4 != 0
            value.nowait = bits & 8 != 0
            value.arguments = try buffer.readAMQPFieldTable()
            return .basicConsume(value)
        case (60, 21):
            var value = Basic.ConsumeOk()
            value.consumerTag = try buffer.readAMQPShortString()
            return .basicConsumeOk(value)
        case (60, 30):
            var bits: UInt8
            var value = Basic.Cancel()
            value.consumerTag = try buffer.readAMQPShortString()
            bits = try buffer.readAMQPOctet()
            value.nowait = bits & 1 != 0
            return .basicCancel(value)
        case (60, 31):
            var value = Basic.CancelOk()
            value.consumerTag = try buffer.readAMQPShortString()
            return .basicCancelOk(value)
        case (60, 40):
            var bits: UInt8
            var value = Basic.Publish()
            value.ticket = try buffer.readAMQPShort()
            value.exchange = try buffer.readAMQPShortString(reusing: &names.exchange)
            value.routingKey = try buffer.readAMQPShortString(reusing: &names.routingKey)
            bits = try buffer.readAMQPOctet()
            value.mandatory = bits & 1 != 0
            value.immediate = bits & 2 != 0
            return .basicPublish(value)
        case (60, 50):
            var value = Basic.Return()
            value.replyCode = try buffer.readAMQPShort()
            value.replyText = try buffer.readAMQPShortString()
            value.exchange = try buffer.readAMQPShortString()
            value.routingKey = try buffer.readAMQPShortString()
            return .basicReturn(value)
        case (60, 60):
            var bits: UInt8
            var value = Basic.Deliver()
            value.consumerTag = try buffer.readAMQPShortString()
            value.deliveryTag = try buffer.readAMQPLongLong()
            bits = try buffer.readAMQPOctet()
            value.redelivered = bits & 1 != 0
            value.exchange = try buffer.readAMQPShortString()
            value.routingKey = try buffer.readAMQPShortString()
            return .basicDeliver(value)
        case (60, 70):
            var bits: UInt8
            var value = Basic.Get()
            value.ticket = try buffer.readAMQPShort()
            value.queue = try buffer.readAMQPShortString()
            bits = try buffer.readAMQPOctet()
            value.noAck = bits & 1 != 0
            return .basicGet(value)
        case (60, 71):
            var bits: UInt8
            var value = Basic.GetOk()
            value.deliveryTag = try buffer.readAMQPLongLong()
            bits = try buffer.readAMQPOctet()
            value.redelivered = bits & 1 != 0
            value.exchange = try buffer.readAMQPShortString()
            value.routingKey = try buffer.readAMQPShortString()
            value.messageCount = try buffer.readAMQPLong()
            return .basicGetOk(value)
        case (60, 72):
            var value = Basic.GetEmpty()
            value.clusterId = try buffer.readAMQPShortString()
            return .basicGetEmpty(value)
        case (60, 80):
            var bits: UInt8
            var value = Basic.Ack()
            value.deliveryTag = try buffer.readAMQPLongLong()
            bits = try buffer.readAMQPOctet()
            value.multiple = bits & 1 != 0
            return .basicAck(value)
        case (60, 90):
            var bits: UInt8
            var value = Basic.Reject()
            value.deliveryTag = try buffer.readAMQPLongLong()
            bits = try buffer.readAMQPOctet()
            value.requeue = bits & 1 != 0
            return .basicReject(value)
        case (60, 100):
            var bits: UInt8
            var value = Basic.RecoverAsync()
            bits = try buffer.readAMQPOctet()
            value.requeue = bits & 1 != 0
            return .basicRecoverAsync(value)
        case (60, 110):
            var bits: UInt8
            var value = Basic.Recover()
            bits = try buffer.readAMQPOctet()
            value.requeue = bits & 1 != 0
            return .basicRecover(value)
        case (60, 111):
            let value = Basic.RecoverOk()
            return .basicRecoverOk(value)
        case (60, 120):
            var bits: UInt8
            var value = Basic.Nack()
            value.deliveryTag = try buffer.readAMQPLongLong()
            bits = try buffer.readAMQPOctet()
            value.multiple = bits & 1 != 0
            value.requeue = bits & 2 != 0
            return .basicNack(value)
        case (90, 10):
            let value = Tx.Select()
            return .txSelect(value)
        case (90, 11):
            let value = Tx.SelectOk()
            return .txSelectOk(value)
        case (90, 20):
            let value = Tx.Commit()
            return .txCommit(value)
        case (90, 21):
            let value = Tx.CommitOk()
            return .txCommitOk(value)
        case (90, 30):
            let value = Tx.Rollback()
            return .txRollback(value)
        case (90, 31):
            let value = Tx.RollbackOk()
            return .txRollbackOk(value)
        case (85, 10):
            var bits: UInt8
            var value = Confirm.Select()
            bits = try buffer.readAMQPOctet()
            value.nowait = bits & 1 != 0
            return .confirmSelect(value)
        case (85, 11):
            let value = Confirm.SelectOk()
            return .confirmSelectOk(value)
        default:
            throw AMQPDecodingError.unknownMethod(classID: classID, methodID: methodID)
        }
    }

    /// Encodes the method's class id, method id and arguments.
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(classID)
        buffer.writeInteger(methodID)
        switch self {
        case .connectionStart(let value):
            buffer.writeInteger(value.versionMajor)
            buffer.writeInteger(value.versionMinor)
            buffer.writeAMQPFieldTable(value.serverProperties)
            buffer.writeAMQPLongString(value.mechanisms)
            buffer.writeAMQPLongString(value.locales)
        case .connectionStartOk(let value):
            buffer.writeAMQPFieldTable(value.clientProperties)
            buffer.writeAMQPShortString(value.mechanism)
            buffer.writeAMQPLongString(value.response)
            buffer.writeAMQPShortString(value.locale)
        case .connectionSecure(let value):
            buffer.writeAMQPLongString(value.challenge)
        case .connectionSecureOk(let value):
            buffer.writeAMQPLongString(value.response)
        case .connectionTune(let value):
            buffer.writeInteger(value.channelMax)
            buffer.writeInteger(value.frameMax)
            buffer.writeInteger(value.heartbeat)
        case .connectionTuneOk(let value):
            buffer.writeInteger(value.channelMax)
            buffer.writeInteger(value.frameMax)
            buffer.writeInteger(value.heartbeat)
        case .connectionOpen(let value):
            buffer.writeAMQPShortString(value.virtualHost)
            buffer.writeAMQPShortString(value.capabilities)
            var bits: UInt8 = 0
            if value.insist { bits |= 1 }
            buffer.writeInteger(bits)
        case .connectionOpenOk(let value):
            buffer.writeAMQPShortString(value.knownHosts)
        case .connectionClose(let value):
            buffer.writeInteger(value.replyCode)
            buffer.writeAMQPShortString(value.replyText)
            buffer.writeInteger(value.classId)
            buffer.writeInteger(value.methodId)
        case .connectionCloseOk(_):
            break
        case .connectionBlocked(let value):
            buffer.writeAMQPShortString(value.reason)
        case .connectionUnblocked(_):
            break
        case .connectionUpdateSecret(let value):
            buffer.writeAMQPLongString(value.newSecret)
            buffer.writeAMQPShortString(value.reason)
        case .connectionUpdateSecretOk(_):
            break
        case .channelOpen(let value):
            buffer.writeAMQPShortString(value.outOfBand)
        case .channelOpenOk(let value):
            buffer.writeAMQPLongString(value.channelId)
        case .channelFlow(let value):
            var bits: UInt8 = 0
            if value.active { bits |= 1 }
            buffer.writeInteger(bits)
        case .channelFlowOk(let value):
            var bits: UInt8 = 0
            if value.active { bits |= 1 }
            buffer.writeInteger(bits)
        case .channelClose(let value):
            buffer.writeInteger(value.replyCode)
            buffer.writeAMQPShortString(value.replyText)
            buffer.writeInteger(value.classId)
            buffer.writeInteger(value.methodId)
        case .channelCloseOk(_):
            break
        case .accessRequest(let value):
            buffer.writeAMQPShortString(value.realm)
            var bits: UInt8 = 0
            if value.exclusive { bits |= 1 }
            if value.passive { bits |= 2 }
            if value.active { bits |= 4 }
            if value.write { bits |= 8 }
            if value.read { bits |= 16 }
            buffer.writeInteger(bits)
        case .accessRequestOk(let value):
            buffer.writeInteger(value.ticket)
        case .exchangeDeclare(let value):
            buffer.writeInteger(value.ticket)
            buffer.writeAMQPShortString(value.exchange)
            buffer.writeAMQPShortString(value.`type`)
            var bits: UInt8 = 0
            if value.passive { bits |= 1 }
            if value.durable { bits |= 2 }
            if value.autoDelete { bits |= 4 }
            if value.`internal` { bits |= 8 }
            if value.nowait { bits |= 16 }
            buffer.writeInteger(bits)
            buffer.writeAMQPFieldTable(value.arguments)
        case .exchangeDeclareOk(_):
            break
        case .exchangeDelete(let value):
            buffer.writeInteger(value.ticket)
            buffer.writeAMQPShortString(value.exchange)
            var bits: UInt8 = 0
            if value.ifUnused { bits |= 1 }
            if value.nowait { bits |= 2 }
            buffer.writeInteger(bits)
        case .exchangeDeleteOk(_):
            break
        case .exchangeBind(let value):
            buffer.writeInteger(value.ticket)
            buffer.writeAMQPShortString(value.destination)
            buffer.writeAMQPShortString(value.source)
            buffer.writeAMQPShortString(value.routingKey)
            var bits: UInt8 = 0
            if value.nowait { bits |= 1 }
            buffer.writeInteger(bits)
            buffer.writeAMQPFieldTable(value.arguments)
        case .exchangeBindOk(_):
            break
        case .exchangeUnbind(let value):
            buffer.writeInteger(value.ticket)
            buffer.writeAMQPShortString(value.destination)
            buffer.writeAMQPShortString(value.source)
            buffer.writeAMQPShortString(value.routingKey)
            var bits: UInt8 = 0
            if value.nowait { bits |= 1 }
            buffer.writeInteger(bits)
            buffer.writeAMQPFieldTable(value.arguments)
        case .exchangeUnbindOk(_):
            break
        case .queueDeclare(let value):
            buffer.writeInteger(value.ticket)
            buffer.writeAMQPShortString(value.queue)
            var bits: UInt8 = 0
            if value.passive { bits |= 1 }
            if value.durable { bits |= 2 }
            if value.exclusive { bits |= 4 }
            if value.autoDelete { bits |= 8 }
            if value.nowait { bits |= 16 }
            buffer.writeInteger(bits)
            buffer.writeAMQPFieldTable(value.arguments)
        case .queueDeclareOk(let value):
            buffer.writeAMQPShortString(value.queue)
            buffer.writeInteger(value.messageCount)
            buffer.writeInteger(value.consumerCount)
        case .queueBind(let value):
            buffer.writeInteger(value.ticket)
            buffer.writeAMQPShortString(value.queue)
            buffer.writeAMQPShortString(value.exchange)
            buffer.writeAMQPShortString(value.routingKey)
            var bits: UInt8 = 0
            if value.nowait { bits |= 1 }
            buffer.writeInteger(bits)
            buffer.writeAMQPFieldTable(value.arguments)
        case .queueBindOk(_):
            break
        case .queuePurge(let value):
            buffer.writeInteger(value.ticket)
            buffer.writeAMQPShortString(value.queue)
            var bits: UInt8 = 0
            if value.nowait { bits |= 1 }
            buffer.writeInteger(bits)
        case .queuePurgeOk(let value):
            buffer.writeInteger(value.messageCount)
        case .queueDelete(let value):
            buffer.writeInteger(value.ticket)
            buffer.writeAMQPShortString(value.queue)
            var bits: UInt8 = 0
            if value.ifUnused { bits |= 1 }
            if value.ifEmpty { bits |= 2 }
            if value.nowait { bits |= 4 }
            buffer.writeInteger(bits)
        case .queueDeleteOk(let value):
            buffer.writeInteger(value.messageCount)
        case .queueUnbind(let value):
            buffer.writeInteger(value.ticket)
            buffer.writeAMQPShortString(value.queue)
            buffer.writeAMQPShortString(value.exchange)
            buffer.writeAMQPShortString(value.routingKey)
            buffer.writeAMQPFieldTable(value.arguments)
        case .queueUnbindOk(_):
            break
        case .basicQos(let value):
            buffer.writeInteger(value.prefetchSize)
            buffer.writeInteger(value.prefetchCount)
            var bits: UInt8 = 0
            if value.global { bits |= 1 }
            buffer.writeInteger(bits)
        case .basicQosOk(_):
            break
        case .basicConsume(let value):
            buffer.writeInteger(value.ticket)
            buffer.writeAMQPShortString(value.queue)
            buffer.writeAMQPShortString(value.consumerTag)
            var bits: UInt8 = 0
            if value.noLocal { bits |= 1 }
            if value.noAck { bits |= 2 }
            if value.exclusive { bits |= 4 }
            if value.nowait { bits |= 8 }
            buffer.writeInteger(bits)
            buffer.writeAMQPFieldTable(value.arguments)
        case .basicConsumeOk(let value):
            buffer.writeAMQPShortString(value.consumerTag)
        case .basicCancel(let value):
            buffer.writeAMQPShortString(value.consumerTag)
            var bits: UInt8 = 0
            if value.nowait { bits |= 1 }
            buffer.writeInteger(bits)
        case .basicCancelOk(let value):
            buffer.writeAMQPShortString(value.consumerTag)
        case .basicPublish(let value):
            buffer.writeInteger(value.ticket)
            buffer.writeAMQPShortString(value.exchange)
            buffer.writeAMQPShortString(value.routingKey)
            var bits: UInt8 = 0
            if value.mandatory { bits |= 1 }
            if value.immediate { bits |= 2 }
            buffer.writeInteger(bits)
        case .basicReturn(let value):
            buffer.writeInteger(value.replyCode)
            buffer.writeAMQPShortString(value.replyText)
            buffer.writeAMQPShortString(value.exchange)
            buffer.writeAMQPShortString(value.routingKey)
        case .basicDeliver(let value):
            buffer.writeAMQPShortString(value.consumerTag)
            buffer.writeInteger(value.deliveryTag)
            var bits: UInt8 = 0
            if value.redelivered { bits |= 1 }
            buffer.writeInteger(bits)
            buffer.writeAMQPShortString(value.exchange)
            buffer.writeAMQPShortString(value.routingKey)
        case .basicGet(let value):
            buffer.writeInteger(value.ticket)
            buffer.writeAMQPShortString(value.queue)
            var bits: UInt8 = 0
            if value.noAck { bits |= 1 }
            buffer.writeInteger(bits)
        case .basicGetOk(let value):
            buffer.writeInteger(value.deliveryTag)
            var bits: UInt8 = 0
            if value.redelivered { bits |= 1 }
            buffer.writeInteger(bits)
            buffer.writeAMQPShortString(value.exchange)
            buffer.writeAMQPShortString(value.routingKey)
            buffer.writeInteger(value.messageCount)
        case .basicGetEmpty(let value):
            buffer.writeAMQPShortString(value.clusterId)
        case .basicAck(let value):
            buffer.writeInteger(value.deliveryTag)
            var bits: UInt8 = 0
            if value.multiple { bits |= 1 }
            buffer.writeInteger(bits)
        case .basicReject(let value):
            buffer.writeInteger(value.deliveryTag)
            var bits: UInt8 = 0
            if value.requeue { bits |= 1 }
            buffer.writeInteger(bits)
        case .basicRecoverAsync(let value):
            var bits: UInt8 = 0
            if value.requeue { bits |= 1 }
            buffer.writeInteger(bits)
        case .basicRecover(let value):
            var bits: UInt8 = 0
            if value.requeue { bits |= 1 }
            buffer.writeInteger(bits)
        case .basicRecoverOk(_):
            break
        case .basicNack(let value):
            buffer.writeInteger(value.deliveryTag)
            var bits: UInt8 = 0
            if value.multiple { bits |= 1 }
            if value.requeue { bits |= 2 }
            buffer.writeInteger(bits)
        case .txSelect(_):
            break
        case .txSelectOk(_):
            break
        case .txCommit(_):
            break
        case .txCommitOk(_):
            break
        case .txRollback(_):
            break
        case .txRollbackOk(_):
            break
        case .confirmSelect(let value):
            var bits: UInt8 = 0
            if value.nowait { bits |= 1 }
            buffer.writeInteger(bits)
        case .confirmSelectOk(_):
            break
        }
    }
}
