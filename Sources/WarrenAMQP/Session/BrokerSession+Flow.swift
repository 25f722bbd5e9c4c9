// BrokerSession+Flow.swift: back-pressure on publishers. A connection whose publishes the
// broker has not stored yet go past its limits stops reading its socket; TCP then slows the
// client, so nothing is buffered without bound. Reading resumes once half are stored. A client
// that announced the `connection.blocked` capability is told both ways (RabbitMQ sends these
// for resource alarms only; the security issue asks for them here too, so the client knows why).
import AMQPProtocol
import NIOCore

extension BrokerSession {
    /// The `connection.blocked` reason while publishes wait for storage.
    static let blockedReason = "publishes waiting for storage"

    func publishStarted(bodyBytes: Int) {
        publishesInFlight += 1
        publishBytesInFlight += bodyBytes
        hasPublished = true
        if alarmBlocked { updateReading() }
        // The two limits read in place: copying the whole configuration cost more per publish.
        if !readingPaused && (publishesInFlight >= handler.machine.configuration.publishesInFlightMax
                              || publishBytesInFlight >= handler.machine.configuration.publishBytesInFlightMax) {
            readingPaused = true
            updateReading()
            if !alarmBlocked, handler.machine.clientWantsBlockedNotifications {
                handler.write(channel: 0, .connectionBlocked(.init(reason: Self.blockedReason)))
                handler.flushIfIdle(context: context)
            }
        }
    }

    func publishFinished(bodyBytes: Int) {
        publishesInFlight -= 1
        publishBytesInFlight -= bodyBytes
        if readingPaused && publishesInFlight <= handler.machine.configuration.publishesInFlightMax / 2
            && publishBytesInFlight <= handler.machine.configuration.publishBytesInFlightMax / 2 {
            readingPaused = false
            updateReading()
            if !alarmBlocked, handler.machine.clientWantsBlockedNotifications {
                handler.write(channel: 0, .connectionUnblocked(.init()))
                handler.flushIfIdle(context: context)
            }
        }
    }
}

extension BrokerSession {
    /// A resource alarm fired or cleared. As RabbitMQ: a connection stops being read once it
    /// publishes while blocked (consumers on other connections go on); a client with the
    /// `connection.blocked` capability is told at once, with the alarm's reason.
    func resourceAlarm(blocked: Bool, reason: String) {
        guard blocked != alarmBlocked else { return }
        alarmBlocked = blocked
        handler.updateClientBlocked(blocked)
        if handler.machine.clientWantsBlockedNotifications {
            handler.write(channel: 0, blocked ? .connectionBlocked(.init(reason: reason)) : .connectionUnblocked(.init()))
            handler.flushIfIdle(context: context)
        }
        updateReading()
    }

    /// Reads the socket unless publishes in flight or an alarm (once this connection has
    /// published) hold it back.
    func updateReading() {
        let hold = readingPaused || (alarmBlocked && hasPublished)
        if hold != socketHeld {
            socketHeld = hold
            context.channel.setOption(ChannelOptions.autoRead, value: !hold).whenFailure { _ in }
        }
    }
}
