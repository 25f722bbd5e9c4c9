// BrokerSession+Flow.swift: back-pressure on publishers. A connection whose publishes the
// broker has not stored yet go past its limits stops reading its socket; TCP then slows the
// client, so nothing is buffered without bound. Reading resumes once half are stored.
import NIOCore

extension BrokerSession {
    func publishStarted(bodyBytes: Int) {
        publishesInFlight += 1
        publishBytesInFlight += bodyBytes
        let configuration = handler.machine.configuration
        if !readingPaused && (publishesInFlight >= configuration.publishesInFlightMax
                              || publishBytesInFlight >= configuration.publishBytesInFlightMax) {
            readingPaused = true
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        }
    }

    func publishFinished(bodyBytes: Int) {
        publishesInFlight -= 1
        publishBytesInFlight -= bodyBytes
        let configuration = handler.machine.configuration
        if readingPaused && publishesInFlight <= configuration.publishesInFlightMax / 2
            && publishBytesInFlight <= configuration.publishBytesInFlightMax / 2 {
            readingPaused = false
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        }
    }
}
