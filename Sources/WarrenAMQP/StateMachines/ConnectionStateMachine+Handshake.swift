// ConnectionStateMachine+Handshake.swift: start-ok, tune-ok and open.
import AMQPProtocol
import WarrenBroker

extension ConnectionStateMachine {
    mutating func handshakeFrameReceived(_ frame: Frame) -> ConnectionAction {
        guard frame.channel == 0, case .method(let method) = frame.payload else {
            return fail(ProtocolError(.unexpectedFrame, "non-method frame or channel \(frame.channel) during handshake"))
        }
        switch (state, method) {
        case (.awaitingStartOk, .connectionStartOk(let startOk)):
            return startOkReceived(startOk)
        case (.awaitingTuneOk(let user), .connectionTuneOk(let tuneOk)):
            return tuneOkReceived(tuneOk, user: user)
        case (.awaitingOpen(let user), .connectionOpen(let open)):
            guard (configuration.directory?().virtualHosts ?? configuration.virtualHosts).contains(open.virtualHost) else {
                return fail(ProtocolError(.notAllowed, "vhost \(open.virtualHost) not found", method: method))
            }
            guard configuration.mayOpen(open.virtualHost, user: user) else {
                return fail(ProtocolError(.notAllowed, "access to vhost '\(open.virtualHost)' refused for user '\(user)'",
                                          method: method))
            }
            state = .open(user: user, virtualHost: open.virtualHost)
            return .opened(user: user, virtualHost: open.virtualHost)
        case (_, .connectionClose):
            state = .closed
            return .sendCloseOkAndDisconnect
        default:
            return fail(ProtocolError(.channelError, "unexpected method in connection state \(stateName)", method: method))
        }
    }

    private mutating func startOkReceived(_ startOk: Connection.StartOk) -> ConnectionAction {
        clientProperties = startOk.clientProperties
        if case .table(let capabilities)? = startOk.clientProperties["capabilities"] {
            clientWantsAuthFailureClose = capabilities["authentication_failure_close"]?.bool ?? false
            clientWantsBlockedNotifications = capabilities["connection.blocked"]?.bool ?? false
        }
        let offered = certificateIdentity != nil ? ["EXTERNAL", "PLAIN", "AMQPLAIN"] : ["PLAIN", "AMQPLAIN"]
        guard offered.contains(startOk.mechanism) else {
            return fail(ProtocolError(.commandInvalid, "unknown authentication mechanism '\(startOk.mechanism)'"))
        }
        let accepted: String?
        if startOk.mechanism == "EXTERNAL" {
            // The certificate is the credential: its user must exist (and may come from here).
            accepted = certificateIdentity.flatMap { configuration.acceptsExternal($0, peerIsLoopback: peerIsLoopback) ? $0 : nil }
        } else if let credentials = Credentials.parse(mechanism: startOk.mechanism, response: startOk.response),
                  configuration.accepts(credentials, peerIsLoopback: peerIsLoopback) {
            accepted = credentials.username
        } else {
            accepted = nil
        }
        guard let username = accepted else {
            let refusal = ProtocolError(
                .accessRefused,
                "Login was refused using authentication mechanism \(startOk.mechanism). For details see the broker logfile.")
            state = .closing
            return .refuseLogin(clientWantsAuthFailureClose ? refusal.connectionClose : nil)
        }
        state = .awaitingTuneOk(user: username)
        return .send(channel: 0, .connectionTune(configuration.tune))
    }

    private mutating func tuneOkReceived(_ tuneOk: Connection.TuneOk, user: String) -> ConnectionAction {
        let offered = configuration.tune
        if tuneOk.frameMax != 0 && tuneOk.frameMax < AMQPLimits.frameSizeBytesMin {
            return fail(ProtocolError(.notAllowed, "frame_max=\(tuneOk.frameMax) < \(AMQPLimits.frameSizeBytesMin) min size"))
        }
        if tuneOk.frameMax == 0 || tuneOk.frameMax > offered.frameMax {
            return fail(ProtocolError(.notAllowed, "frame_max=\(tuneOk.frameMax) > \(offered.frameMax) max size"))
        }
        if tuneOk.channelMax > offered.channelMax {
            return fail(ProtocolError(.notAllowed, "channel_max=\(tuneOk.channelMax) > \(offered.channelMax) max size"))
        }
        channelMax = tuneOk.channelMax == 0 ? offered.channelMax : tuneOk.channelMax
        frameMax = tuneOk.frameMax
        heartbeatSeconds = tuneOk.heartbeat
        state = .awaitingOpen(user: user)
        return .tuned(frameMax: frameMax, heartbeatSeconds: heartbeatSeconds)
    }

    /// RabbitMQ's names for connection states, used in error texts.
    var stateName: String {
        switch state {
        case .awaitingProtocolHeader, .awaitingStartOk: return "starting"
        case .awaitingTuneOk: return "tuning"
        case .awaitingOpen: return "opening"
        case .open: return "running"
        case .closing: return "closing"
        case .closed: return "closed"
        }
    }
}
