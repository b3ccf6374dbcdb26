import Foundation
import Logging
import NeedletailStorage
import XMPPCore

/// RFC 6121 §4 presence for local accounts: initial presence broadcast to
/// subscribers and probes of the contacts the user subscribes to, answered from
/// their sessions' last presence; later changes broadcast; directed presence
/// tracked and revoked with `unavailable` when the session goes; `unavailable`
/// sent for a session that ends in any way, a dropped connection included.
public struct PresenceModule: ServerModule {
    public static let name = "presence"

    public init() {}

    public func register(_ registrar: inout ModuleRegistrar) {
        registrar.onPresence { presence, to, sender, router in
            let broadcaster = PresenceBroadcaster(router: router)
            if let to {
                await broadcaster.directed(presence, to: to, from: sender)
            } else {
                await broadcaster.broadcast(presence, from: sender)
            }
        }
        registrar.onProbe { prober, account, router in
            await PresenceBroadcaster(router: router).probe(account, for: prober)
        }
        registrar.onSessionEnded { session, router in
            await PresenceBroadcaster(router: router).sessionEnded(session)
        }
    }
}

/// The presence module's work, over the router's sessions and storage.
struct PresenceBroadcaster: Sendable {
    let router: Router

    /// The client's own presence (no `to`), RFC 6121 §4.2 (initial), §4.4
    /// (updates), §4.5 (unavailable).
    func broadcast(_ presence: Presence, from sender: ClientSession) async {
        switch presence.type {
        case .available?, .unavailable?:
            break
        case .error?:
            return  // an error about nothing in particular; nobody to tell
        default:
            router.bounce(.presence(presence), StanzaError.badRequest("this presence type needs a 'to'"), to: sender)
            return
        }
        var presence = presence
        if presence.type == .available {
            for decorator in router.modules.presenceDecorators {
                presence = await decorator(presence, sender, router)
            }
        }
        let user = sender.jid.bare
        let (isInitial, directedTo) = sender.broadcastPresence(presence)
        let roster = await roster(of: user)
        let subscribers = roster.filter(\.subscription.contactSeesUser).map(\.contact)
        for contact in subscribers {
            await send(presence, to: contact)
        }
        // §4.2.2, §4.4.2: the user's own available resources see it too.
        for session in router.registry.sessions(of: user) where session.isAvailable || session === sender {
            var copy = presence
            copy.setTo(session.jid)
            session.deliver(copy.element)
        }
        if presence.type == .unavailable {
            // §4.6.3: directed presence is revoked along with the broadcast.
            for contact in directedTo.subtracting(subscribers) {
                await send(presence, to: contact)
            }
            await recordLastActivityIfOffline(user, status: presence.status)
            return
        }
        if isInitial {
            // §4.2.2: probe the contacts the user subscribes to.
            for item in roster where item.subscription.userSeesContact {
                await probe(item.contact, for: Requester(sender))
            }
            for hook in router.modules.availableHooks {
                await hook(sender, router)
            }
        }
    }

    /// Presence with a `to`: directed presence (§4.6) or a probe (§4.3).
    func directed(_ presence: Presence, to: JID, from sender: ClientSession) async {
        switch presence.type {
        case .probe?:
            await probe(to.bare, for: Requester(sender))
        case .available?:
            sender.directedPresence(to: to, available: true)
            await router.send(.presence(presence))
        case .unavailable?:
            sender.directedPresence(to: to, available: false)
            await router.send(.presence(presence))
        default:
            await router.send(.presence(presence))
        }
    }

    /// The session is gone: if it was available, everyone who saw it available
    /// learns it is not (§4.5.2, and §4.6.3 for directed presence).
    func sessionEnded(_ session: ClientSession) async {
        let (lastPresence, directedTo) = session.ended()
        let user = session.jid.bare
        let unavailable = Presence(type: .unavailable, from: session.jid)
        guard lastPresence != nil else {
            // Not available, but directed presence went out: revoke it (§4.6.3).
            for contact in directedTo {
                await send(unavailable, to: contact)
            }
            return
        }
        let subscribers = await roster(of: user).filter(\.subscription.contactSeesUser).map(\.contact)
        for contact in Set(subscribers).union(directedTo) {
            await send(unavailable, to: contact)
        }
        for other in router.registry.sessions(of: user) where other.isAvailable {
            var copy = unavailable
            copy.setTo(other.jid)
            other.deliver(copy.element)
        }
        await recordLastActivityIfOffline(user, status: nil)
    }

    /// A probe of `contact` on behalf of a local session's user or a remote
    /// prober (§4.3): a remote contact's server is asked; a local contact is answered here, from the last presence of each of its available
    /// resources, if the contact lets the user see it (From or Both in the
    /// contact's roster); with `unavailable` and the last logout time when none is
    /// available (§4.3.2).
    func probe(_ contact: JID, for prober: Requester) async {
        let user = prober.jid.bare
        guard router.isLocal(contact) else {
            await router.send(.presence(Presence(type: .probe, to: contact, from: user)))
            return
        }
        let entry: RosterEntry
        do {
            entry = try await router.storage.rosters.entry(of: contact, contact: user)
        } catch {
            return  // no such account: nothing to tell
        }
        guard entry.item?.subscription.contactSeesUser == true else {
            return  // §4.3.2: an unauthorized probe reveals nothing
        }
        // Blocking either way (XEP-0191) and privacy lists (XEP-0016) hide presence
        // as a missing subscription does. Each answer is judged as if the contact's
        // session sent it to the asking session, so the lists that apply to those
        // two sessions decide.
        let probe = Presence(type: .probe, to: contact, from: prober.jid)
        guard router.permits(.presence(probe), from: prober.jid, to: contact) else { return }
        var answered = false
        var hidden = false
        for other in router.registry.sessions(of: contact) {
            guard var presence = other.lastPresence else { continue }
            presence.setFrom(other.jid)
            presence.setTo(prober.jid)
            guard router.permits(.presence(presence), from: other.jid, to: prober.jid) else {
                hidden = true
                continue
            }
            router.reply(.presence(presence), to: prober)
            answered = true
        }
        if !answered, !hidden {
            var presence = Presence(type: .unavailable, to: prober.jid, from: contact)
            guard router.permits(.presence(presence), from: contact, to: prober.jid) else { return }
            if let last = try? await router.storage.accounts.lastActivity(localpart: contact.localpart ?? "", domain: contact.domainpart) {
                if let status = last.status { presence.setStatus(status, language: nil) }
                presence.element.append(DelayStamp.element(last.date, from: contact.domain))
            }
            router.reply(.presence(presence), to: prober)
        }
    }

    /// Presence from a user's resource to `contact`'s bare JID.
    private func send(_ presence: Presence, to contact: JID) async {
        var copy = presence
        copy.setTo(contact)
        await router.send(.presence(copy))
    }

    private func roster(of user: JID) async -> [RosterItem] {
        do {
            return try await router.storage.rosters.roster(of: user).items
        } catch {
            router.logger.error("reading the roster for a presence broadcast failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// XEP-0012: when the account's last available resource goes, remember when.
    private func recordLastActivityIfOffline(_ user: JID, status: String?) async {
        guard !router.registry.sessions(of: user).contains(where: \.isAvailable) else { return }
        do {
            try await router.storage.accounts.recordLastActivity(
                localpart: user.localpart ?? "", domain: user.domainpart, at: Date(), status: status)
        } catch where error.code == .notFound {
            // The account was removed (XEP-0077 §3.2) as its sessions ended.
        } catch {
            router.logger.warning("recording last activity failed", metadata: ["error": "\(error)"])
        }
    }
}
