import Logging
import NeedletailStorage
import XMPPCore

/// XEP-0191 Blocking Command: an account's blocklist, stored (kind `blocklist`,
/// one key per JID) and mirrored in memory for the delivery filter.
///
/// - From a blocked address nothing reaches the user: messages and IQ requests
///   are answered `service-unavailable`, presence is dropped (§3.5).
/// - To a blocked address the user sends nothing: `not-acceptable` with
///   `<blocked/>` (§3.6); presence is dropped.
/// - Blocking a contact sends it `unavailable` from the user's resources;
///   unblocking sends the current presence to contacts that may see it (§3.3, §3.4).
/// - Changes are pushed to every resource that asked for the blocklist (§3.3).
public struct BlockingModule: ServerModule {
    public static let name = "blocking"

    static let kind = "blocklist"
    private let cache = BlocklistCache()

    public init() {}

    public func register(_ registrar: inout ModuleRegistrar) {
        let cache = cache
        registrar.feature(Namespace.blocking)
        registrar.accountFeature(Namespace.blocking)
        registrar.prepareAccount { account, router in
            guard AccountCacheLoading.isNeeded(for: account, isLoaded: cache.isLoaded(account), router: router) else { return }
            do {
                let stored = try await router.storage.accountData.values(of: account, kind: Self.kind)
                cache.load(account, Set(stored.compactMap { try? JID($0.key) }))
            } catch {
                router.logger.error("loading a blocklist failed", metadata: ["error": "\(error)"])
            }
        }
        registrar.onSessionEnded { session, router in
            let account = session.jid.bare
            if router.registry.sessions(of: account).isEmpty {
                cache.forget(account, session: session.id)
            } else {
                cache.forgetSession(session.id)
            }
        }
        registrar.filterDelivery { stanza, sender, recipient, direction in
            switch direction {
            case .inbound:
                guard cache.blocks(recipient.bare, sender) else { return .allow }
                switch stanza {
                case .presence: return .refuse(nil)
                case .message, .iq: return .refuse(stanza.isError ? nil : .serviceUnavailable())
                }
            case .outbound:
                guard cache.blocks(sender.bare, recipient) else { return .allow }
                switch stanza {
                case .presence: return .refuse(nil)
                case .message, .iq:
                    return .refuse(StanzaError(
                        .notAcceptable, text: "you have blocked this address",
                        applicationCondition: XMPPElement("blocked", namespace: Namespace.blockingErrors)))
                }
            }
        }
        registrar.ownAccountIQ(.get, "blocklist", namespace: Namespace.blocking) { request, addressee, sender, router in
            guard case .account(let account) = addressee, account == sender.jid.bare else {
                return request.errorReply(StanzaError.forbidden("the blocklist is the account's own"))
            }
            await router.prepare(account)
            cache.addRequester(sender.id)
            let list = cache.list(of: account).map(\.description).sorted()
            return request.result(payload: XMPPElement("blocklist", namespace: Namespace.blocking) {
                list.map { XMPPElement("item", namespace: Namespace.blocking, ["jid": $0]) }
            })
        }
        registrar.ownAccountIQ(.set, "block", namespace: Namespace.blocking) { request, addressee, sender, router in
            await Self.change(request, addressee: addressee, sender: sender, router: router, cache: cache, blocking: true)
        }
        registrar.ownAccountIQ(.set, "unblock", namespace: Namespace.blocking) { request, addressee, sender, router in
            await Self.change(request, addressee: addressee, sender: sender, router: router, cache: cache, blocking: false)
        }
    }

    /// A block or unblock request (§3.3, §3.4).
    static func change(
        _ request: IQ, addressee: IQAddressee, sender: ClientSession, router: Router, cache: BlocklistCache, blocking: Bool
    ) async -> IQ? {
        guard case .account(let account) = addressee, account == sender.jid.bare, let payload = request.payload else {
            return request.errorReply(StanzaError.forbidden("the blocklist is the account's own"))
        }
        var jids: [JID] = []
        for item in payload.elements(named: "item", namespace: Namespace.blocking) {
            guard let raw = item[attribute: "jid"], let jid = try? JID(raw) else {
                return request.errorReply(StanzaError.jidMalformed("an item's 'jid' is not a valid JID"))
            }
            jids.append(jid)
        }
        // §3.3: a block needs at least one item; an unblock without items unblocks everyone (§3.4).
        if blocking, jids.isEmpty {
            return request.errorReply(StanzaError.badRequest("nothing to block"))
        }
        await router.prepare(account)
        let before = cache.list(of: account)
        let unblockingAll = !blocking && jids.isEmpty
        let changed = unblockingAll ? Array(before) : jids
        do {
            try await router.storage.accountData.setValues(
                changed.map { (key: $0.description, value: blocking ? [] : nil) },
                of: account, kind: kind, removingOthers: unblockingAll)
        } catch {
            router.logger.error("storing the blocklist failed", metadata: ["error": "\(error)"])
            return request.errorReply(StanzaError.internalServerError())
        }
        // The unavailable for newly blocked contacts goes out while the filter still lets it.
        if blocking {
            await updatePresence(of: account, for: changed, blocked: true, router: router)
        }
        cache.update(account) { list in
            if blocking { list.formUnion(changed) } else { list.subtract(changed) }
        }
        if !blocking {
            await updatePresence(of: account, for: changed, blocked: false, router: router)
        }
        let push = XMPPElement(blocking ? "block" : "unblock", namespace: Namespace.blocking) {
            (unblockingAll ? [] : changed).map { XMPPElement("item", namespace: Namespace.blocking, ["jid": $0.description]) }
        }
        for session in router.registry.sessions(of: account) where cache.isRequester(session.id) {
            session.deliver(IQ(type: .set, id: "block-" + C2SHandler.makeStreamID(), to: session.jid, payload: push).element)
        }
        return request.result(payload: nil)
    }

    /// Newly blocked contacts that could see the user get `unavailable`; unblocked
    /// ones get the current presence back (§3.3, §3.4).
    static func updatePresence(of account: JID, for jids: [JID], blocked: Bool, router: Router) async {
        guard let roster = try? await router.storage.rosters.roster(of: account) else { return }
        let subscribers = roster.items.filter(\.subscription.contactSeesUser).map(\.contact)
        let affected = subscribers.filter { contact in jids.contains { JIDPattern.matches($0, contact) } }
        for session in router.registry.sessions(of: account) {
            for contact in affected {
                await router.sendPresence(of: session, to: contact, available: !blocked)
            }
        }
    }
}
