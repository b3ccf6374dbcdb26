import Logging
import NeedletailStorage
import XMPPCore

/// The server side of RFC 6121 §3: a local user's subscription stanzas on their
/// way out, and subscription stanzas arriving for a local account, each run
/// through ``SubscriptionStateMachine`` inside one storage transaction, followed
/// by what the machine says: roster pushes, delivery, automatic answers and the
/// presence that goes with a new or cancelled subscription.
struct Subscriptions: Sendable {
    let router: Router
    let maxItems: Int

    /// A local user's `subscribe`, `subscribed`, `unsubscribe` or `unsubscribed`
    /// to `contact` (a bare JID).
    func outbound(_ presence: Presence, to contact: JID, from sender: ClientSession) async {
        guard let request = presence.type.flatMap(SubscriptionRequest.init) else { return }
        let user = sender.jid.bare
        guard contact != user else {
            // A user's presence is its own already (RFC 6121 §4.2.2); nothing to subscribe to.
            router.bounce(.presence(presence), StanzaError.badRequest("one does not subscribe to oneself"), to: sender)
            return
        }
        // RFC 6121 §3.1.2, §3.2.2, §3.3.2: the server stamps the user's bare JID.
        var stanza = presence
        stanza.setFrom(user)
        stanza.setTo(contact)
        let update: RosterUpdate
        do throws(StorageError) {
            update = try await router.storage.rosters.update(account: user, contact: contact, itemLimit: maxItems) { entry in
                SubscriptionStateMachine.outbound(request, entry: entry, contact: contact).entry
            }
        } catch {
            router.bounce(.presence(presence), RosterModule.stanzaError(for: error, router: router), to: sender)
            return
        }
        let outcome = SubscriptionStateMachine.outbound(request, entry: update.before, contact: contact)
        await RosterPush.send(update, of: user, router: router)
        if outcome.forward {
            await deliver(stanza, request, from: user, to: contact)
        }
        if let presenceToContact = outcome.presenceToContact {
            await sendPresence(presenceToContact, of: user, to: contact)
        }
    }

    /// A subscription stanza from `sender` (a bare JID, local or not) for the local
    /// account `account`.
    func inbound(_ stanza: Presence, _ request: SubscriptionRequest, from sender: JID, to account: JID) async {
        // XEP-0016 §2.2 rule 4: privacy lists (and blocking, XEP-0191 §3.5) come
        // before subscription handling; what they refuse changes nothing and
        // gets no answer (XEP-0016 §2.12).
        await router.prepare(account)
        if case .refuse = router.modules.verdict(.presence(stanza), from: sender, to: account, .inbound) {
            router.logger.trace("a subscription stanza was refused by the recipient's filters")
            return
        }
        let bytes = stanza.element.storedBytes
        let update: RosterUpdate
        do throws(StorageError) {
            update = try await router.storage.rosters.update(account: account, contact: sender, itemLimit: nil) { entry in
                SubscriptionStateMachine.inbound(request, entry: entry, contact: sender, stanza: bytes).entry
            }
        } catch {
            if error.code == .notFound, request == .subscribe {
                // No such account: the requester learns the request is refused
                // rather than waiting forever (RFC 6121 §3.1.3).
                await deliver(Presence(type: .unsubscribed, to: sender, from: account), .unsubscribed, from: account, to: sender)
            } else if error.code != .notFound {
                router.logger.error("storing a subscription failed", metadata: ["error": "\(error)"])
            }
            return
        }
        let outcome = SubscriptionStateMachine.inbound(request, entry: update.before, contact: sender, stanza: bytes)
        await RosterPush.send(update, of: account, router: router)
        if outcome.forward {
            await router.send(.presence(stanza))
        }
        if let reply = outcome.autoReply {
            await deliver(Presence(type: PresenceType(reply), to: sender, from: account), reply, from: account, to: sender)
        }
        if let presenceToContact = outcome.presenceToContact {
            await sendPresence(presenceToContact, of: account, to: sender)
        }
    }

    /// Removes `contact` from the user's roster (RFC 6121 §2.5.2): the item and any
    /// pending request go, and the subscriptions each way are cancelled with
    /// `unsubscribe` and `unsubscribed`. Returns false when there was no item.
    func remove(_ contact: JID, of sender: ClientSession) async throws(StorageError) -> Bool {
        let user = sender.jid.bare
        let update = try await router.storage.rosters.update(account: user, contact: contact, itemLimit: nil) { entry in
            entry.item == nil ? nil : RosterEntry()
        }
        guard let item = update.before.item else { return false }
        if item.subscription.userSeesContact || item.pendingOut {
            await deliver(Presence(type: .unsubscribe, to: contact, from: user), .unsubscribe, from: user, to: contact)
        }
        if item.subscription.contactSeesUser || update.before.pendingIn != nil {
            await deliver(Presence(type: .unsubscribed, to: contact, from: user), .unsubscribed, from: user, to: contact)
            if item.subscription.contactSeesUser {
                await sendPresence(.unavailable, of: user, to: contact)
            }
        }
        await RosterPush.send(update, of: user, router: router)
        return true
    }

    /// Delivers the requests still waiting for the user's answer to a session that
    /// just became available (RFC 6121 §3.1.3: "when the contact next has an
    /// available resource").
    func redeliverPendingRequests(to session: ClientSession) async {
        let requests: [(contact: JID, stanza: [UInt8])]
        do {
            requests = try await router.storage.rosters.pendingRequests(of: session.jid.bare)
        } catch {
            router.logger.error("reading pending subscription requests failed", metadata: ["error": "\(error)"])
            return
        }
        for request in requests {
            guard let element = XMPPElement(storedBytes: request.stanza) else {
                router.logger.error("a stored subscription request cannot be parsed", metadata: ["xmpp.contact": "\(request.contact)"])
                continue
            }
            session.deliver(element)
        }
    }

    /// Hands a subscription stanza to the contact's server: this one when the
    /// contact is local, else the way every remote stanza goes.
    private func deliver(_ stanza: Presence, _ request: SubscriptionRequest, from user: JID, to contact: JID) async {
        if router.isLocal(contact) {
            await inbound(stanza, request, from: user, to: contact)
        } else {
            await router.send(.presence(stanza))
        }
    }

    /// The presence of each of the account's available resources, or their
    /// `unavailable`, sent to `target` (RFC 6121 §3.1.5, §3.2.2, §3.3.3).
    private func sendPresence(_ kind: SubscriptionStateMachine.Outcome.PresenceToContact, of account: JID, to target: JID) async {
        for session in router.registry.sessions(of: account) {
            await router.sendPresence(of: session, to: target, available: kind == .available)
        }
    }
}

extension SubscriptionRequest {
    /// The request a presence type stands for, if it is one of the four.
    init?(_ type: PresenceType) {
        switch type {
        case .subscribe: self = .subscribe
        case .subscribed: self = .subscribed
        case .unsubscribe: self = .unsubscribe
        case .unsubscribed: self = .unsubscribed
        default: return nil
        }
    }
}

extension PresenceType {
    /// The presence type of a subscription request.
    init(_ request: SubscriptionRequest) {
        switch request {
        case .subscribe: self = .subscribe
        case .subscribed: self = .subscribed
        case .unsubscribe: self = .unsubscribe
        case .unsubscribed: self = .unsubscribed
        }
    }
}
