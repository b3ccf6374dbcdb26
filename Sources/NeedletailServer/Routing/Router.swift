import Logging
import NIOCore
import XMPPCore

/// Routes stanzas from local clients (RFC 6120 §8.1.2, §10; RFC 6121 §8): checks
/// and stamps `from`, decides with ``decide(_:to:sender:)``, and delivers,
/// answers or bounces. Every IQ get or set gets exactly one response.
struct Router: Sendable {
    let registry: SessionRegistry
    let hostedDomains: Set<String>
    let modules: ModuleRegistry
    let logger: Logger

    /// Routes a stanza the client of `sender` sent. Throws `invalid-from` when the
    /// stanza claims to be from someone else (RFC 6120 §8.1.2.1, §4.9.3.9); the
    /// caller closes the stream with it.
    func route(_ stanza: Stanza, from sender: ClientSession) throws(StreamError) {
        var stanza = stanza
        if let claimed = stanza.fromAttribute {
            // The client may give its full JID or its bare JID; anything else is forged.
            guard let jid = try? JID(claimed), jid == sender.jid || jid == sender.jid.bare else {
                throw StreamError(.invalidFrom, text: "'from' is not this session's address")
            }
        }
        // RFC 6120 §8.1.2.1: the server stamps the full JID of the session.
        stanza.setFrom(sender.jid)

        let to: JID?
        if let raw = stanza.toAttribute {
            guard let parsed = try? JID(raw) else {
                bounce(stanza, StanzaError.jidMalformed("the 'to' address is not a valid JID"), to: sender)
                return
            }
            to = parsed
        } else {
            to = nil
        }

        switch decide(stanza, to: to, sender: sender.jid) {
        case .deliver(let sessions):
            let bytes = stanza.element.serialized(context: .clientStream)
            for session in sessions {
                session.deliver(bytes)
            }
        case .bounce(let error):
            bounce(stanza, error, to: sender)
        case .handleForAccount(let account):
            answer(stanza, addressee: .account(account), sender: sender)
        case .handleForServer:
            answer(stanza, addressee: .server(to?.domain ?? sender.jid.domain), sender: sender)
        case .ownPresence:
            ownPresenceReceived(stanza, from: sender)
        case .drop:
            logger.trace("dropped as RFC 6121 §8.5 says", metadata: ["xmpp.to": "\(to?.description ?? "-")"])
        }
    }

    /// Sends the sender the error reply to `stanza` (RFC 6120 §8.3.1); never answers an error.
    private func bounce(_ stanza: Stanza, _ error: StanzaError, to sender: ClientSession) {
        guard let reply = stanza.errorReply(error) else { return }
        sender.deliver(reply.element)
    }

    /// An IQ the server answers (RFC 6120 §8.4: an unknown payload is `service-unavailable`).
    private func answer(_ stanza: Stanza, addressee: IQAddressee, sender: ClientSession) {
        guard case .iq(let iq) = stanza else { return }
        guard iq.type?.isRequest == true else { return }  // results and errors to the server end here
        if let error = iq.validationError {
            bounce(stanza, error, to: sender)
            return
        }
        if var reply = modules.handle(iq, addressee: addressee, sender: sender) {
            // The answer comes from the addressee, to the requesting session.
            switch addressee {
            case .server(let domain): reply.setFrom(domain)
            case .account(let account): reply.setFrom(account == sender.jid.bare && iq.toAttribute == nil ? nil : account)
            }
            reply.setTo(sender.jid)
            sender.deliver(reply.element)
        } else {
            bounce(stanza, StanzaError.serviceUnavailable(), to: sender)
        }
    }

    /// The client's own presence broadcast: recorded for routing by priority
    /// (RFC 6121 §4.7.2.3). Telling contacts comes with the roster.
    private func ownPresenceReceived(_ stanza: Stanza, from sender: ClientSession) {
        guard case .presence(let presence) = stanza else { return }
        switch presence.type {
        case .available:
            do {
                sender.presenceChanged(available: true, priority: try presence.priority)
            } catch {
                bounce(stanza, error, to: sender)
            }
        case .unavailable:
            sender.presenceChanged(available: false, priority: 0)
        default:
            // Subscription requests need a `to`; a probe from a client is meaningless (RFC 6121 §4.3).
            bounce(stanza, StanzaError.badRequest("this presence type needs a 'to'"), to: sender)
        }
    }
}
