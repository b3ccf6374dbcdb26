import Foundation
import Logging
import NIOCore
import XMPPCore

/// Routes stanzas (RFC 6120 §8.1.2, §10; RFC 6121 §8): checks and stamps `from`
/// on what local clients send, decides with ``decide(_:to:sender:)``, and
/// delivers, answers or bounces; hands modules what they registered for. Modules
/// get the router as their view of the server: sessions, storage, and ``send(_:)``.
public struct Router: Sendable {
    /// Who is online.
    public let registry: SessionRegistry
    /// The domains this server hosts.
    public let hostedDomains: Set<String>
    /// The loaded modules.
    public let modules: ModuleRegistry
    /// Storage for accounts and what modules keep per account.
    public let storage: ServerStorage
    /// When the server started (XEP-0012 server uptime).
    public let startedAt: Date
    /// Requests the server sent to clients, awaiting answers.
    public let requests = ServerRequests()
    /// Security events (account changes) for the audit log.
    public let audit: AuditLog
    /// The server-to-server links; nil when federation is off.
    public let federation: (any RemoteDelivery)?
    let logger: Logger

    public init(
        registry: SessionRegistry, hostedDomains: Set<String>, modules: ModuleRegistry, storage: ServerStorage,
        logger: Logger, startedAt: Date = Date(), audit: AuditLog = .off, federation: (any RemoteDelivery)? = nil
    ) {
        self.audit = audit
        self.federation = federation
        self.registry = registry
        self.hostedDomains = hostedDomains
        self.modules = modules
        self.storage = storage
        self.logger = logger
        self.startedAt = startedAt
    }

    /// Work that must finish before the sender's next stanza is handled: a module
    /// that reads or writes storage. The caller runs it and holds the session's
    /// input until it is done, so each client's stanzas take effect in order.
    public typealias PendingWork = @Sendable () async -> Void

    /// Whether `jid` is on a domain this server hosts.
    public func isLocal(_ jid: JID) -> Bool {
        hostedDomains.contains(jid.domainpart)
    }

    /// Routes a stanza the client of `sender` sent. Throws `invalid-from` when the
    /// stanza claims to be from someone else (RFC 6120 §8.1.2.1, §4.9.3.9); the
    /// caller closes the stream with it.
    public func route(_ stanza: Stanza, from sender: ClientSession) throws(StreamError) -> PendingWork? {
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
                return nil
            }
            to = parsed
        } else {
            to = nil
        }

        if let to, case .refuse(let error) = modules.verdict(stanza, from: sender.jid, to: to, .outbound) {
            if let error { bounce(stanza, error, to: sender) }
            return nil
        }
        if case .presence(let presence) = stanza {
            return routePresence(presence, to: to, from: sender)
        }

        let requester = Requester(sender)
        switch decide(stanza, to: to, sender: sender.jid) {
        case .deliver(let sessions):
            deliver(stanza, from: sender.jid, to: sessions, bounceTo: requester)
        case .bounce(let error):
            bounce(stanza, error, to: requester)
        case .undeliverable(let account):
            let message = stanza
            return { await undeliverable(message, to: account, bounceTo: requester) }
        case .handleForAccount(let account):
            return answer(stanza, addressee: .account(account), sender: requester)
        case .handleForServer:
            return answer(stanza, addressee: .server(to?.domain ?? sender.jid.domain), sender: requester)
        case .remote(let domain):
            sendRemote(stanza, to: domain, bounceTo: requester)
        case .ownPresence:
            break  // presence went to routePresence
        case .drop:
            logger.trace("dropped as RFC 6121 §8.5 says", metadata: ["xmpp.to": "\(to?.description ?? "-")"])
        }
        return nil
    }

    /// Presence from a client: subscriptions go to the roster's owner, everything
    /// else to the presence module; without those modules the server still records
    /// availability for routing by priority (RFC 6121 §4.7.2.3).
    private func routePresence(_ presence: Presence, to: JID?, from sender: ClientSession) -> PendingWork? {
        if let error = presence.validationError {
            bounce(.presence(presence), error, to: sender)
            return nil
        }
        let type = presence.type ?? .available
        if type.isSubscription {
            guard let to else {
                // Subscription requests need a `to` (RFC 6121 §3.1.1).
                bounce(.presence(presence), StanzaError.badRequest("a subscription stanza needs a 'to'"), to: sender)
                return nil
            }
            guard let handler = modules.subscriptionHandler else {
                bounce(.presence(presence), StanzaError.serviceUnavailable("subscriptions are not enabled"), to: sender)
                return nil
            }
            return { await handler(presence, to.bare, sender, self) }
        }
        if let handler = modules.presenceHandler {
            return { await handler(presence, to, sender, self) }
        }
        guard to == nil else {
            return { await send(.presence(presence)) }
        }
        switch type {
        case .available: sender.presenceChanged(available: true, priority: (try? presence.priority) ?? 0)
        case .unavailable: sender.presenceChanged(available: false, priority: 0)
        default: bounce(.presence(presence), StanzaError.badRequest("this presence type needs a 'to'"), to: sender)
        }
        return nil
    }

    /// Writes a stanza to local sessions of `recipient`, unless a filter refuses it.
    /// Each receiving session is asked about by its full JID, so a filter can
    /// apply per session (XEP-0016 active lists); the sender hears of a refusal
    /// only when no session took the stanza.
    func deliver(_ stanza: Stanza, from: JID, to sessions: [ClientSession], bounceTo sender: Requester?) {
        var bytes: ByteBuffer?
        var refusal: StanzaError?
        for session in sessions {
            if case .refuse(let error) = modules.verdict(stanza, from: from, to: session.jid, .inbound) {
                refusal = refusal ?? error
                continue
            }
            // Serialized once, for every session that takes it.
            let payload = bytes ?? stanza.element.serialized(context: .clientStream)
            bytes = payload
            session.deliver(payload)
        }
        if bytes == nil, let refusal, let sender {
            bounce(stanza, refusal, to: sender)
        }
    }

    /// A message for an account with no resource to take it: the offline module's,
    /// or `service-unavailable` (RFC 6121 §8.5.2.2.1).
    func undeliverable(_ stanza: Stanza, to account: JID, bounceTo sender: Requester?) async {
        guard case .message(let message) = stanza else { return }
        await prepare(account)
        if let from = stanza.fromAttribute.flatMap({ try? JID($0) }),
           case .refuse(let error) = modules.verdict(stanza, from: from, to: account, .inbound) {
            if let error, let sender { bounce(stanza, error, to: sender) }
            return
        }
        let error: StanzaError? = if let handler = modules.undeliverableMessageHandler {
            await handler(message, account, self)
        } else {
            StanzaError.serviceUnavailable()
        }
        if let error, let sender {
            bounce(stanza, error, to: sender)
        }
    }

    /// Whether the delivery filters let a stanza from `from` reach `to`: the
    /// sender's outbound side when it is local, the recipient's inbound side when
    /// it is local. For answers the server gives from memory (probes).
    public func permits(_ stanza: Stanza, from: JID, to: JID) -> Bool {
        if isLocal(from), case .refuse = modules.verdict(stanza, from: from, to: to, .outbound) { return false }
        if isLocal(to), case .refuse = modules.verdict(stanza, from: from, to: to.bare, .inbound) { return false }
        return true
    }

    /// Lets modules load what their filters need about a local account.
    public func prepare(_ account: JID) async {
        for preparation in modules.accountPreparations {
            await preparation(account, self)
        }
    }

    /// Sends the sender the error reply to `stanza` (RFC 6120 §8.3.1); never answers an error.
    func bounce(_ stanza: Stanza, _ error: StanzaError, to sender: ClientSession) {
        bounce(stanza, error, to: Requester(sender))
    }

    /// Sends the error reply to `stanza` back the way it came: to the local
    /// session, or over server-to-server to the remote sender.
    func bounce(_ stanza: Stanza, _ error: StanzaError, to sender: Requester) {
        guard let reply = stanza.errorReply(error) else { return }
        self.reply(reply, to: sender)
    }

    /// Writes an answer to whoever asked.
    public func reply(_ answer: Stanza, to sender: Requester) {
        if let session = sender.session {
            session.deliver(answer.element)
        } else {
            sendRemote(answer, to: sender.jid.domainpart, bounceTo: nil)
        }
    }

    /// A stanza for another server: over the server-to-server link to `domain`,
    /// or, with federation off, refused with `remote-server-not-found` (RFC 6120 §8.3.3.16).
    func sendRemote(_ stanza: Stanza, to domain: String, bounceTo sender: Requester?) {
        guard let federation else {
            if let sender, sender.session != nil {
                bounce(stanza, StanzaError.remoteServerNotFound("this server does not federate"), to: sender)
            }
            return
        }
        federation.send(stanza, to: domain)
    }

    /// An IQ the server answers (RFC 6120 §8.4: an unknown payload is `service-unavailable`).
    func answer(_ stanza: Stanza, addressee: IQAddressee, sender: Requester) -> PendingWork? {
        guard case .iq(let iq) = stanza else { return nil }
        guard iq.type?.isRequest == true else {
            // Results and errors to the server answer its own requests, or end here.
            _ = requests.received(iq, from: sender.jid)
            return nil
        }
        if let error = iq.validationError {
            bounce(stanza, error, to: sender)
            return nil
        }
        guard let handler = modules.handler(for: iq) else {
            bounce(stanza, StanzaError.serviceUnavailable(), to: sender)
            return nil
        }
        return {
            guard var reply = await handler(iq, addressee, sender, self) else {
                bounce(stanza, StanzaError.serviceUnavailable(), to: sender)
                return
            }
            // The answer comes from the addressee, to the requesting session.
            switch addressee {
            case .server(let domain): reply.setFrom(domain)
            case .account(let account): reply.setFrom(account == sender.jid.bare && iq.toAttribute == nil ? nil : account)
            }
            reply.setTo(sender.jid)
            self.reply(.iq(reply), to: sender)
        }
    }

    /// Sends a stanza the server makes or passes on for someone: presence
    /// broadcasts, subscription stanzas, automatic answers. `from` and `to` must be
    /// set. Local recipients get it by RFC 6121 §8.5, through the delivery filters;
    /// a stanza whose recipient cannot take it comes back to its sender, if that is
    /// a local session, as an error.
    public func send(_ stanza: Stanza) async {
        guard let to = stanza.toAttribute.flatMap({ try? JID($0) }),
              let from = stanza.fromAttribute.flatMap({ try? JID($0) })
        else {
            logger.error("a module sent a stanza without valid 'from' and 'to'")
            return
        }
        let origin = (from.isFull ? registry.session(for: from) : nil).map(Requester.init)
        if isLocal(from), case .refuse(let error) = modules.verdict(stanza, from: from, to: to, .outbound) {
            if let error, let origin { bounce(stanza, error, to: origin) }
            return
        }
        switch decide(stanza, to: to, sender: from) {
        case .deliver(let sessions):
            deliver(stanza, from: from, to: sessions, bounceTo: origin)
        case .bounce(let error):
            if let origin { bounce(stanza, error, to: origin) }
        case .undeliverable(let account):
            await undeliverable(stanza, to: account, bounceTo: origin)
        case .remote(let domain):
            sendRemote(stanza, to: domain, bounceTo: origin)
        case .handleForAccount, .handleForServer, .ownPresence, .drop:
            break
        }
    }
}

extension PresenceType {
    /// Whether this type manages subscriptions (RFC 6121 §3).
    var isSubscription: Bool {
        switch self {
        case .subscribe, .subscribed, .unsubscribe, .unsubscribed: true
        default: false
        }
    }
}
