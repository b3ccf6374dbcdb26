import NIOCore
import XMPPCore
import XMPPStreams

/// Stanzas for a remote domain waiting while the stream to it is set up (RFC
/// 6120 §8.3.3): kept in order, sent once it is established, and bounced, never
/// dropped, when it cannot be: `remote-server-not-found` when the domain cannot
/// be reached or refuses us, `remote-server-timeout` when setting up took too
/// long. Bounded, so a dead domain cannot hold unbounded memory.
struct PendingStanzas: Sendable {
    /// Stanzas waiting, oldest first.
    private(set) var stanzas: [Stanza] = []
    let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// Queues `stanza`; returns the error reply to send back at once when the
    /// queue is full (`resource-constraint`), nil when it was queued.
    mutating func append(_ stanza: Stanza) -> Stanza? {
        guard stanzas.count < capacity else {
            return stanza.errorReply(StanzaError.resourceConstraint("too many stanzas wait for this domain"))
        }
        stanzas.append(stanza)
        return nil
    }

    /// Takes everything, for sending on the established stream.
    mutating func drain() -> [Stanza] {
        defer { stanzas = [] }
        return stanzas
    }

    /// Takes everything as error replies to their senders (errors themselves are
    /// never answered, RFC 6120 §8.3.1).
    mutating func bounce(_ error: StanzaError) -> [Stanza] {
        drain().compactMap { $0.errorReply(error) }
    }

    /// The condition a failed stream's stanzas bounce with.
    static func bounceError(for failure: OutboundServerStream.Failure?, timedOut: Bool) -> StanzaError {
        if timedOut {
            return .remoteServerTimeout("the remote server did not answer in time")
        }
        switch failure {
        case .streamError(let error)?:
            return .remoteServerNotFound("the remote server closed the stream: \(error.condition.rawValue)")
        case .dialbackRefused?, .externalRefused?, .noAuthentication?:
            return .remoteServerNotFound("the remote server did not accept this server")
        case .tlsUnavailable?:
            return .remoteServerNotFound("the remote server offers no encryption")
        case .protocolViolation?, .refused?, nil:
            return .remoteServerNotFound()
        }
    }
}
