import XMPPStreams

extension XMPPClientError {
    /// The library error for a failed negotiation: the TLS codes fold into
    /// ``Code/tlsFailed``, a server close into ``Code/closed``, and the rest keep
    /// their detail (stream error, SASL error, bind error).
    init(_ failure: ClientNegotiationStateMachine.Failure) {
        typealias Code = ClientNegotiationStateMachine.Failure.Code
        switch failure.code {
        case Code.streamError:
            self.init(.streamError, streamError: failure.streamError, detail: failure.detail)
        case Code.tlsNotOffered, Code.tlsRefused, Code.tlsRequiredByServer:
            self.init(.tlsFailed, detail: failure.detail)
        case Code.authenticationFailed:
            self.init(.authenticationFailed, saslError: failure.saslError, detail: failure.detail)
        case Code.bindFailed:
            self.init(.bindFailed, stanzaError: failure.stanzaError, detail: failure.detail)
        case Code.closedByServer:
            self.init(.closed, detail: failure.detail)
        case Code.timedOut:
            self.init(.timeout, detail: failure.detail)
        default:
            self.init(.protocolViolation, streamError: failure.streamError, detail: failure.detail)
        }
    }
}
