import Foundation
import NeedletailStorage
import XMPPCore

/// XEP-0012 Last Activity, answered by the server:
/// - of the server itself: seconds since it started (§5);
/// - of an account's bare JID (§4), for the account itself and contacts allowed
///   to see its presence (From or Both; others get `forbidden`): 0 while one of
///   its resources is available, or the idle time that resource announced in its
///   presence (XEP-0319); otherwise the seconds since its last resource went
///   offline, with the status it left with.
public struct LastActivityModule: ServerModule {
    public static let name = "last"

    public init() {}

    public func register(_ registrar: inout ModuleRegistrar) {
        registrar.feature(Namespace.lastActivity)
        registrar.iq(.get, "query", namespace: Namespace.lastActivity) { request, addressee, sender, router in
            let now = Date()
            switch addressee {
            case .server:
                return request.result(payload: Self.query(seconds: now.timeIntervalSince(router.startedAt), status: nil))
            case .account(let account):
                guard await DiscoModule.mayDiscover(account, requester: sender.jid.bare, router: router) else {
                    return request.errorReply(StanzaError.forbidden("you may not see this account's presence"))
                }
                let available = router.registry.sessions(of: account).compactMap(\.lastPresence)
                if !available.isEmpty {
                    // The least idle resource is how active the account is.
                    let idleSince = available.map { Self.idleSince($0) ?? now }.max() ?? now
                    return request.result(payload: Self.query(seconds: now.timeIntervalSince(idleSince), status: nil))
                }
                let last: LastActivity?
                do {
                    last = try await router.storage.accounts.lastActivity(
                        localpart: account.localpart ?? "", domain: account.domainpart)
                } catch {
                    return request.errorReply(StanzaError.internalServerError())
                }
                guard let last else {
                    return request.errorReply(StanzaError.itemNotFound("no activity recorded"))
                }
                return request.result(payload: Self.query(seconds: now.timeIntervalSince(last.date), status: last.status))
            }
        }
    }

    static func query(seconds: TimeInterval, status: String?) -> XMPPElement {
        var query = XMPPElement("query", namespace: Namespace.lastActivity, ["seconds": String(max(0, Int(seconds)))])
        if let status, !status.isEmpty {
            query.append(text: status)
        }
        return query
    }

    /// The `since` of an XEP-0319 `<idle/>` in the presence.
    static func idleSince(_ presence: Presence) -> Date? {
        guard let since = presence.payload(named: "idle", namespace: Namespace.idle)?[attribute: "since"] else { return nil }
        return try? Date(since, strategy: .iso8601)
    }
}
