import NeedletailStorage
import XMPPCore

/// XEP-0030 Service Discovery.
///
/// - The server's domain: its identity (`server/im`, §3.1) and the features of
///   every loaded module, so a module that is switched off disappears from disco;
///   its items, none until components exist.
/// - An account's bare JID, answered by the server for the account (RFC 6121
///   §8.5.1): identity `account/registered` and the features modules offer on
///   accounts, to the account itself and to contacts it shares presence with
///   (From or Both), as Prosody does; others get `service-unavailable`, which
///   does not reveal whether the account exists.
///
/// Nodes the server does not have are `item-not-found` (§3.1, §4.1).
public struct DiscoModule: ServerModule {
    public static let name = "disco"

    /// XEP-0157 contact addresses by kind, published in disco#info (XEP-0128).
    public var contactAddresses: [String: [String]]

    public init(contactAddresses: [String: [String]] = [:]) {
        self.contactAddresses = contactAddresses
    }

    public func register(_ registrar: inout ModuleRegistrar) {
        if !contactAddresses.isEmpty {
            registrar.discoExtension(ContactAddresses.form(contactAddresses))
        }
        registrar.feature(Namespace.discoInfo)
        registrar.feature(Namespace.discoItems)
        registrar.accountFeature(Namespace.discoInfo)
        registrar.accountFeature(Namespace.discoItems)
        registrar.identity(DiscoIdentity(category: "server", type: "im", name: "Needletail"))
        registrar.iq(.get, "query", namespace: Namespace.discoInfo) { request, addressee, sender, router in
            let modules = router.modules
            let node = request.payload?[attribute: "node"]
            // XEP-0115 §6.2: the server's own caps node#ver is the same answer as no node.
            let capsNode = modules.capabilities.map { $0.node + "#" + $0.ver }
            guard node == nil || (node == capsNode && addressee.isServer) else {
                return request.errorReply(StanzaError.itemNotFound("no such node"))
            }
            var query = XMPPElement("query", namespace: Namespace.discoInfo, ["node": node])
            switch addressee {
            case .server:
                for identity in modules.identities {
                    query.append(Self.element(identity))
                }
                for feature in modules.features {
                    query.append(XMPPElement("feature", namespace: Namespace.discoInfo, ["var": feature]))
                }
                for form in modules.discoExtensions {
                    query.append(form.element)
                }
            case .account(let account):
                guard await Self.mayDiscover(account, requester: sender.jid.bare, router: router) else {
                    return request.errorReply(StanzaError.serviceUnavailable())
                }
                query.append(Self.element(DiscoIdentity(category: "account", type: "registered")))
                for feature in modules.accountFeatures {
                    query.append(XMPPElement("feature", namespace: Namespace.discoInfo, ["var": feature]))
                }
            }
            return request.result(payload: query)
        }
        registrar.iq(.get, "query", namespace: Namespace.discoItems) { request, addressee, sender, router in
            guard request.payload?[attribute: "node"] == nil else {
                return request.errorReply(StanzaError.itemNotFound("no such node"))
            }
            if case .account(let account) = addressee,
               !(await Self.mayDiscover(account, requester: sender.jid.bare, router: router)) {
                return request.errorReply(StanzaError.serviceUnavailable())
            }
            return request.result(payload: XMPPElement("query", namespace: Namespace.discoItems))
        }
    }

    static func element(_ identity: DiscoIdentity) -> XMPPElement {
        XMPPElement("identity", namespace: Namespace.discoInfo, [
            "category": identity.category, "type": identity.type, "name": identity.name,
        ])
    }

    /// The account itself, or a contact that sees its presence.
    static func mayDiscover(_ account: JID, requester: JID, router: Router) async -> Bool {
        if account == requester { return true }
        guard let item = try? await router.storage.rosters.entry(of: account, contact: requester).item else { return false }
        return item.subscription.contactSeesUser
    }
}
