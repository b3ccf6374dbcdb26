import Logging
import NeedletailStorage
import XMPPCore

/// The `jabber:iq:privacy` gets and sets of a user for its own account (XEP-0016
/// §2.3 to §2.8), with the errors §2 names for each case.
struct PrivacyRequests: Sendable {
    let router: Router
    let cache: PrivacyCache

    /// §2.3: the names of the lists with the session's active list and the
    /// default, or one list's items.
    func get(_ request: IQ, addressee: IQAddressee, sender: ClientSession) async -> IQ? {
        guard let account = ownAccount(addressee, sender), let query = request.payload else {
            return request.errorReply(StanzaError.forbidden("privacy lists are the account's own"))
        }
        if query.firstElement(named: "active", namespace: Namespace.privacy) != nil
            || query.firstElement(named: "default", namespace: Namespace.privacy) != nil {
            return request.errorReply(StanzaError.badRequest("only lists can be retrieved"))
        }
        await ensureLoaded(account)
        let settings = cache.settings(of: account)
        let asked = query.elements(named: "list", namespace: Namespace.privacy)
        switch asked.count {
        case 0:
            let active = activeName(in: settings, of: sender)
            return request.result(payload: XMPPElement("query", namespace: Namespace.privacy) {
                XMPPElement("active", namespace: Namespace.privacy, ["name": active])
                XMPPElement("default", namespace: Namespace.privacy, ["name": settings.defaultName])
                settings.lists.keys.sorted().map { XMPPElement("list", namespace: Namespace.privacy, ["name": $0]) }
            })
        case 1:
            guard let name = asked[0][attribute: "name"], let list = settings.lists[name] else {
                return request.errorReply(StanzaError.itemNotFound("no privacy list by that name"))
            }
            return request.result(payload: XMPPElement("query", namespace: Namespace.privacy) { list.element })
        default:
            // §2.3: "only one list at a time".
            return request.errorReply(StanzaError.badRequest("one list at a time"))
        }
    }

    /// §2.1: a set holds exactly one `<active/>`, `<default/>` or `<list/>`.
    func set(_ request: IQ, addressee: IQAddressee, sender: ClientSession) async -> IQ? {
        guard let account = ownAccount(addressee, sender), let query = request.payload,
              let resource = sender.jid.resourcepart
        else {
            return request.errorReply(StanzaError.forbidden("privacy lists are the account's own"))
        }
        let children = query.elements
        guard children.count == 1, let child = children.first, child.namespace == Namespace.privacy else {
            return request.errorReply(StanzaError.badRequest("a set holds one <active/>, <default/> or <list/>"))
        }
        await ensureLoaded(account)
        do throws(StorageError) {
            try await PrivacyModule.loadRosterIfMissing(account, into: cache, router: router)
        } catch {
            router.logger.error("reading the roster for privacy lists failed", metadata: ["error": "\(error)"])
            return request.errorReply(StanzaError.internalServerError())
        }
        // An empty 'name' names no list, as an absent one does: declining.
        let name = child[attribute: "name"].flatMap { $0.isEmpty ? nil : $0 }
        let change = PrivacyChange(router: router, cache: cache, account: account, sender: sender, resource: resource)
        let error: StanzaError?
        switch child.name {
        case "list":
            guard let name else {
                return request.errorReply(StanzaError.badRequest("a list needs a name"))
            }
            error = child.elements.isEmpty ? await change.removeList(name) : await change.setList(child)
        case "active":
            error = await change.activate(name)
        case "default":
            error = await change.makeDefault(name)
        default:
            error = StanzaError.badRequest("a set holds one <active/>, <default/> or <list/>")
        }
        if let error { return request.errorReply(error) }
        return request.result(payload: nil)
    }

    /// The account asked about, when it is the sender's own.
    private func ownAccount(_ addressee: IQAddressee, _ sender: ClientSession) -> JID? {
        guard case .account(let account) = addressee, account == sender.jid.bare else { return nil }
        return account
    }

    /// The session's active list, if it set one (not an earlier session's with the same resource).
    private func activeName(in settings: PrivacySettings, of session: ClientSession) -> String? {
        guard let resource = session.jid.resourcepart, let active = settings.active[resource], active.session == session.id else {
            return nil
        }
        return active.name
    }

    private func ensureLoaded(_ account: JID) async {
        if !cache.isLoaded(account) {
            await router.prepare(account)
        }
    }
}
