import Logging
import XMPPCore

extension Router {
    /// A stanza from outside this server for a local address: one a peer server
    /// sent over an authenticated stream (its `from` already checked against the
    /// stream's domains), or an error reply for a stanza that could not leave.
    /// Routed by RFC 6121 §8 and answered as for a local sender, with answers and
    /// errors going back over server-to-server. Returns the work still to do when
    /// it needs storage, so the caller can keep the peer's stanzas in order.
    public func receive(_ stanza: Stanza) -> PendingWork? {
        guard let to = stanza.toAttribute.flatMap({ try? JID($0) }), isLocal(to),
              let from = stanza.fromAttribute.flatMap({ try? JID($0) })
        else {
            logger.warning("a stanza from another server without a local 'to' or a valid 'from' was dropped")
            return nil
        }
        let sender = Requester(remote: from)
        if case .presence(let presence) = stanza {
            return receivePresence(presence, from: sender, to: to)
        }
        switch decide(stanza, to: to, sender: from) {
        case .deliver(let sessions):
            deliver(stanza, from: from, to: sessions, bounceTo: sender)
        case .bounce(let error):
            bounce(stanza, error, to: sender)
        case .undeliverable(let account):
            return { await undeliverable(stanza, to: account, bounceTo: sender) }
        case .handleForAccount(let account):
            return answer(stanza, addressee: .account(account), sender: sender)
        case .handleForServer:
            return answer(stanza, addressee: .server(to.domain), sender: sender)
        case .remote, .ownPresence:
            break  // `to` is local, so neither can be
        case .drop:
            logger.trace("dropped as RFC 6121 §8.5 says", metadata: ["xmpp.to": "\(to)"])
        }
        return nil
    }

    /// Presence from another server: subscription stanzas to the roster's owner
    /// (RFC 6121 §3.1.3, §3.2.3, §3.3.3, §3.4.3), probes to the presence module
    /// (§4.3.2), the rest delivered to the account's sessions (§4.2.3, §4.4.3, §4.5.3, §4.6.4).
    private func receivePresence(_ presence: Presence, from sender: Requester, to: JID) -> PendingWork? {
        if let error = presence.validationError {
            bounce(.presence(presence), error, to: sender)
            return nil
        }
        let type = presence.type ?? .available
        if let request = SubscriptionRequest(type) {
            guard let handler = modules.inboundSubscriptionHandler else {
                // Without rosters nothing can take a subscription; RFC 6121 §3.1.3 lets it be refused.
                if request == .subscribe {
                    reply(.presence(Presence(type: .unsubscribed, to: sender.jid.bare, from: to.bare)), to: sender)
                }
                return nil
            }
            return { await handler(presence, request, sender.jid.bare, to.bare, self) }
        }
        if type == .probe {
            guard let handler = modules.probeHandler else { return nil }
            return { await handler(sender, to.bare, self) }
        }
        switch decide(.presence(presence), to: to, sender: sender.jid) {
        case .deliver(let sessions):
            deliver(.presence(presence), from: sender.jid, to: sessions, bounceTo: sender)
        case .bounce(let error):
            bounce(.presence(presence), error, to: sender)
        case .undeliverable, .handleForAccount, .handleForServer, .remote, .ownPresence, .drop:
            break  // §8.5.2.2.3, §8.5.3.2.3: presence for nobody online is dropped
        }
        return nil
    }
}

extension Router {
    /// Stanzas a session took that its client never acknowledged, routed again
    /// once the session is gone (XEP-0198 §4: as a stanza for an unavailable
    /// resource, RFC 6121 §8.5.3.2): a message for the full JID goes to the
    /// account's other resources or to offline storage, an IQ request is
    /// answered with `service-unavailable`, presence and answers are dropped. A
    /// message sent to the bare JID went to every available resource of the
    /// highest priority (§8.5.2.1.1): the others get it now only if theirs is
    /// lower than the ended session's, so none gets it twice.
    func reroute(_ stanzas: [Stanza], endedPriority: Int8) async {
        for stanza in stanzas {
            guard let to = stanza.toAttribute.flatMap({ try? JID($0) }),
                  let from = stanza.fromAttribute.flatMap({ try? JID($0) }) else { continue }
            if case .presence = stanza { continue }
            let origin: Requester? = isLocal(from) ? registry.session(for: from).map(Requester.init) : Requester(remote: from)
            switch decide(stanza, to: to, sender: from) {
            case .deliver(let sessions):
                if to.isFull || sessions.allSatisfy({ $0.priority < endedPriority }) {
                    deliver(stanza, from: from, to: sessions, bounceTo: origin)
                }
            case .bounce(let error):
                if let origin { bounce(stanza, error, to: origin) }
            case .undeliverable(let account):
                await undeliverable(stanza, to: account, bounceTo: origin)
            case .handleForAccount, .handleForServer, .remote, .ownPresence, .drop:
                break
            }
        }
    }
}
