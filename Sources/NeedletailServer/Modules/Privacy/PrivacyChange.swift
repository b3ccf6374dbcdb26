import Logging
import NeedletailStorage
import XMPPCore

/// One privacy list set of a session (XEP-0016 §2.4 to §2.8): checked against
/// the account's settings, stored, then applied to the cache along with what it
/// does to presence. Each method returns the error the request gets, nil on success.
struct PrivacyChange: Sendable {
    let router: Router
    let cache: PrivacyCache
    let account: JID
    let sender: ClientSession
    /// The sender's resource.
    let resource: String

    /// §2.6, §2.7: creates or replaces a list, then pushes its name.
    func setList(_ element: XMPPElement) async -> StanzaError? {
        let list: PrivacyList
        do {
            list = try PrivacyList(element: element)
        } catch {
            return error
        }
        // §2.1: a group item SHOULD name a group in the user's roster.
        let groups = cache.settings(of: account).rosterGroups
        if let missing = list.items.compactMap(\.group).first(where: { !groups.contains($0) }) {
            return StanzaError.itemNotFound("the roster has no group '\(missing)'")
        }
        if let error = await store(list.element.storedBytes, kind: PrivacyModule.listKind, key: list.name) {
            return error
        }
        await apply { $0.lists[list.name] = list }
        push(list.name)
        return nil
    }

    /// §2.8: removes a list nobody else uses, then pushes its name.
    func removeList(_ name: String) async -> StanzaError? {
        let settings = cache.settings(of: account)
        guard settings.lists[name] != nil else {
            return StanzaError.itemNotFound("no privacy list by that name")
        }
        // §2.8, §2.2 rule 11: not while it applies to another connected resource.
        if settings.isApplied(name, beyond: resource, resources: otherResources) {
            return StanzaError.conflict("another resource uses this list")
        }
        if settings.defaultName == name, let error = await store(nil, kind: PrivacyModule.defaultKind, key: "") {
            return error
        }
        if let error = await store(nil, kind: PrivacyModule.listKind, key: name) {
            return error
        }
        await apply { $0.removeList(name) }
        push(name)
        return nil
    }

    /// §2.4: makes `name` the session's active list, or declines one (nil).
    func activate(_ name: String?) async -> StanzaError? {
        if let name, cache.settings(of: account).lists[name] == nil {
            return StanzaError.itemNotFound("no privacy list by that name")
        }
        // §2.4: "activate and apply the requested list before sending the result".
        let active = name.map { PrivacySettings.ActiveList(session: sender.id, name: $0) }
        await apply { $0.active[resource] = active }
        return nil
    }

    /// §2.5: makes `name` the default list, or declines one (nil).
    func makeDefault(_ name: String?) async -> StanzaError? {
        let settings = cache.settings(of: account)
        if let name, settings.lists[name] == nil {
            return StanzaError.itemNotFound("no privacy list by that name")
        }
        guard settings.defaultName != name else { return nil }
        // §2.5, §2.2 rule 11: not while the current default is in use by another
        // connected resource (by default, or as its active list).
        if let current = settings.defaultName, settings.isApplied(current, beyond: resource, resources: otherResources) {
            return StanzaError.conflict("another resource uses the default list")
        }
        if let error = await store(name.map { Array($0.utf8) }, kind: PrivacyModule.defaultKind, key: "") {
            return error
        }
        await apply { $0.defaultName = name }
        return nil
    }

    /// The resources of the account's other sessions.
    private var otherResources: [String] {
        router.registry.sessions(of: account).filter { $0.id != sender.id }.compactMap(\.jid.resourcepart)
    }

    /// Writes one value; the error for the client when that fails.
    private func store(_ value: [UInt8]?, kind: String, key: String) async -> StanzaError? {
        do {
            try await router.storage.accountData.setValue(value, of: account, kind: kind, key: key)
            return nil
        } catch {
            router.logger.error("storing a privacy list failed", metadata: ["error": "\(error)"])
            return StanzaError.internalServerError()
        }
    }

    /// §2.2 rule 10: the list's name to every connected resource, the sender's included.
    private func push(_ name: String) {
        let query = XMPPElement("query", namespace: Namespace.privacy) {
            XMPPElement("list", namespace: Namespace.privacy, ["name": name])
        }
        for session in router.registry.sessions(of: account) {
            session.deliver(IQ(type: .set, id: "push-" + C2SHandler.makeStreamID(), to: session.jid, payload: query).element)
        }
    }
}
