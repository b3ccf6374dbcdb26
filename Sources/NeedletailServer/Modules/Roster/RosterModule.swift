import Logging
import NeedletailStorage
import XMPPCore

/// RFC 6121 §2 rosters and §3 subscriptions for local accounts: roster get with
/// versioning (§2.6), roster set and remove with pushes to every interested
/// resource, the subscription state machine of Appendix A, pre-approval (§3.4),
/// and pending requests delivered again at the next login (§3.1.3).
public struct RosterModule: ServerModule {
    public static let name = "roster"

    /// The most items a roster may hold; adding past it is refused.
    public var maxItems: Int

    public init(maxItems: Int = 1000) {
        self.maxItems = maxItems
    }

    public func register(_ registrar: inout ModuleRegistrar) {
        let maxItems = maxItems
        registrar.feature(Namespace.roster)
        // RFC 6121 §2.6.1 and §3.4.1: versioning and pre-approval are stream features.
        registrar.streamFeature(XMPPElement("ver", namespace: Namespace.rosterVersioning))
        registrar.streamFeature(XMPPElement("sub", namespace: Namespace.preApproval))
        registrar.ownAccountIQ(.get, "query", namespace: Namespace.roster) { request, addressee, sender, router in
            await Self.get(request, addressee: addressee, sender: sender, router: router)
        }
        registrar.ownAccountIQ(.set, "query", namespace: Namespace.roster) { request, addressee, sender, router in
            await Self.set(request, addressee: addressee, sender: sender, router: router, maxItems: maxItems)
        }
        registrar.onSubscription { presence, contact, sender, router in
            await Subscriptions(router: router, maxItems: maxItems).outbound(presence, to: contact, from: sender)
        }
        registrar.onInboundSubscription { presence, request, contact, account, router in
            await Subscriptions(router: router, maxItems: maxItems).inbound(presence, request, from: contact, to: account)
        }
        registrar.onSessionAvailable { session, router in
            await Subscriptions(router: router, maxItems: maxItems).redeliverPendingRequests(to: session)
        }
    }

    /// RFC 6121 §2.1.3 roster get, §2.6.3 with a version: nothing when the client's
    /// copy is current, else the whole roster (a server may answer either way).
    static func get(_ request: IQ, addressee: IQAddressee, sender: ClientSession, router: Router) async -> IQ {
        guard case .account(let account) = addressee, account == sender.jid.bare else {
            // §2.1.3: only the user's own roster.
            return request.errorReply(StanzaError.forbidden("that roster is not yours")) ?? request
        }
        let roster: Roster
        do {
            roster = try await router.storage.rosters.roster(of: account)
        } catch {
            return Self.failure(request, error, router: router)
        }
        sender.requestedRoster()
        let clientVersion = request.payload?[attribute: "ver"]
        if let clientVersion, clientVersion == String(roster.version) {
            return request.result(payload: nil)
        }
        var query = XMPPElement("query", namespace: Namespace.roster, ["ver": clientVersion == nil ? nil : String(roster.version)])
        for item in roster.items {
            query.append(item.element)
        }
        return request.result(payload: query)
    }

    /// RFC 6121 §2.3-§2.5 roster set: add or update the name and groups, or remove
    /// the item (cancelling subscriptions both ways first, §2.5.2).
    static func set(_ request: IQ, addressee: IQAddressee, sender: ClientSession, router: Router, maxItems: Int) async -> IQ {
        guard case .account(let account) = addressee, account == sender.jid.bare else {
            return request.errorReply(StanzaError.forbidden("that roster is not yours")) ?? request
        }
        let change: RosterSetRequest
        do {
            change = try RosterSetRequest(query: request.payload ?? XMPPElement("query", namespace: Namespace.roster))
        } catch {
            return request.errorReply(error) ?? request
        }
        let subscriptions = Subscriptions(router: router, maxItems: maxItems)
        do {
            if change.isRemoval {
                guard try await subscriptions.remove(change.contact, of: sender) else {
                    return request.errorReply(StanzaError.itemNotFound("the contact is not in the roster")) ?? request
                }
            } else {
                let update = try await router.storage.rosters.update(account: account, contact: change.contact, itemLimit: maxItems) { entry in
                    var item = entry.item ?? RosterItem(contact: change.contact)
                    item.name = change.name
                    item.groups = Array(Set(change.groups)).sorted()
                    return RosterEntry(item: item, pendingIn: entry.pendingIn)
                }
                await RosterPush.send(update, of: account, router: router)
            }
        } catch {
            return Self.failure(request, error, router: router)
        }
        return request.result(payload: nil)
    }

    /// The error reply for a storage failure.
    static func failure(_ request: IQ, _ error: StorageError, router: Router) -> IQ {
        request.errorReply(stanzaError(for: error, router: router)) ?? request
    }

    /// The stanza error for a roster storage failure; a backend fault is logged.
    static func stanzaError(for error: StorageError, router: Router) -> StanzaError {
        switch error.code {
        case .quotaExceeded: return .policyViolation("the roster is full")
        case .notFound: return .itemNotFound("no such account")
        default:
            router.logger.error("roster storage failed", metadata: ["error": "\(error)"])
            return .internalServerError()
        }
    }
}

/// Roster pushes (RFC 6121 §2.1.6): each change to an item goes to every
/// interested resource of the account, the one that made it included. Modules
/// that keep roster facts in memory hear of the change first, so the pushed
/// state is what they filter by.
enum RosterPush {
    static func send(_ update: RosterUpdate, of account: JID, router: Router) async {
        guard update.itemChanged, let contact = update.after.item?.contact ?? update.before.item?.contact else { return }
        for hook in router.modules.rosterChangeHooks {
            await hook(account, contact, update.after.item, router)
        }
        let item = update.after.item?.element ?? RosterItem.removedElement(contact)
        let query = XMPPElement("query", namespace: Namespace.roster, ["ver": String(update.version)]) { item }
        for session in router.registry.sessions(of: account) where session.wantsRosterPushes {
            let push = IQ(type: .set, id: "push-" + C2SHandler.makeStreamID(), to: session.jid, payload: query)
            session.deliver(push.element)
        }
    }
}
