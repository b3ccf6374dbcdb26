import XMPPCore

/// What routing decided for one stanza: who gets it, or what the sender gets back.
/// Computed by ``Router/decide(_:to:sender:)`` from the stanza and the sessions of
/// its recipient, with no I/O, so each RFC rule is a unit test.
enum RoutingDecision: Sendable {
    /// Write the stanza to these sessions.
    case deliver([ClientSession])
    /// Send the sender an error reply with this condition.
    case bounce(StanzaError)
    /// A message of type normal or chat for this account (bare JID), none of whose
    /// resources is available: stored offline when a module does that, else
    /// `service-unavailable` (RFC 6121 §8.5.2.2.1).
    case undeliverable(JID)
    /// The server answers for the addressee: an IQ to the domain or to an account's
    /// bare JID (RFC 6120 §10.5.3.? / RFC 6121 §8.5.1).
    case handleForAccount(JID)
    /// The server answers for itself (an IQ to the domain).
    case handleForServer
    /// For another server: over server-to-server to this domain.
    case remote(String)
    /// The client's own broadcast presence (no `to`, RFC 6121 §4.2, §4.4).
    case ownPresence
    /// Ignore it, as the RFC says for this case (never an error to an error).
    case drop
}

extension Router {
    /// Applies RFC 6120 §10 and RFC 6121 §8 to a stanza whose `from` is already
    /// stamped, addressed to `to` (nil: no `to` attribute).
    func decide(_ stanza: Stanza, to: JID?, sender: JID) -> RoutingDecision {
        guard let to else {
            switch stanza {
            // RFC 6120 §10.3.1: a message without `to` is treated as sent to the sender's bare JID.
            case .message: return decideForLocalAccount(stanza, to: sender.bare)
            // RFC 6121 §4.2.1, §4.4.1: presence without `to` is the client's own broadcast.
            case .presence: return .ownPresence
            // RFC 6120 §10.3.3: the server answers an IQ without `to` for the account.
            case .iq: return .handleForAccount(sender.bare)
            }
        }
        guard hostedDomains.contains(to.domainpart) else {
            // RFC 6120 §10.4: another domain; errors go too, they answer the remote's stanzas.
            return .remote(to.domainpart)
        }
        guard to.localpart != nil else {
            switch stanza {
            case .iq: return .handleForServer
            // RFC 6120 §10.4.1: a message to the domain, which no service here accepts.
            case .message: return stanza.isError ? .drop : .bounce(StanzaError.serviceUnavailable())
            case .presence: return .drop
            }
        }
        return decideForLocalAccount(stanza, to: to)
    }

    /// RFC 6121 §8.5: a stanza for a local account, to its bare or a full JID.
    private func decideForLocalAccount(_ stanza: Stanza, to: JID) -> RoutingDecision {
        if to.isFull {
            if let session = registry.session(for: to) {
                return .deliver([session])
            }
            // §8.5.3.2: no session with that resource.
            switch stanza {
            case .message(let message):
                switch message.type {
                // §8.5.3.2.1: groupchat to a missing resource is refused; headline and errors dropped.
                case .groupchat: return .bounce(StanzaError.serviceUnavailable())
                case .headline, .error: return .drop
                case .normal, .chat: return decideForBareJID(stanza, to: to.bare)
                }
            // §8.5.3.2.2: an IQ to a missing resource gets service-unavailable; answers are dropped.
            case .iq(let iq):
                return iq.type?.isRequest == true ? .bounce(StanzaError.serviceUnavailable()) : .drop
            // §8.5.3.2.3: presence to a missing resource is dropped.
            case .presence:
                return .drop
            }
        }
        return decideForBareJID(stanza, to: to)
    }

    /// §8.5.2: a stanza to an account's bare JID.
    private func decideForBareJID(_ stanza: Stanza, to bare: JID) -> RoutingDecision {
        let available = registry.sessions(of: bare).filter { $0.isAvailable && $0.priority >= 0 }
        switch stanza {
        case .message(let message):
            switch message.type {
            case .normal, .chat, .error:
                // §8.5.2.1.1: the available resources with the highest non-negative priority.
                guard let highest = available.map(\.priority).max() else {
                    // §8.5.2.2.1: nobody available: offline storage, or refused; errors are dropped.
                    return message.type == .error ? .drop : .undeliverable(bare)
                }
                return .deliver(available.filter { $0.priority == highest })
            case .headline:
                // §8.5.2.1.1: headlines go to every available non-negative resource, else nowhere.
                return available.isEmpty ? .drop : .deliver(available)
            case .groupchat:
                // §8.5.2.1.1: groupchat to a bare JID is refused.
                return .bounce(StanzaError.serviceUnavailable())
            }
        case .presence:
            // §8.5.2.1.3: presence goes to every available resource.
            let all = registry.sessions(of: bare).filter(\.isAvailable)
            return all.isEmpty ? .drop : .deliver(all)
        case .iq:
            // §8.5.2.1.2 / RFC 6120 §10.5.3.1: the server answers for the account.
            return .handleForAccount(bare)
        }
    }
}
