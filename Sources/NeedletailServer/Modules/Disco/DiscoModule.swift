import XMPPCore

/// XEP-0030 Service Discovery for the server's own domain: its identity
/// (`server/im`, §3.1) and the features of every loaded module, so a module that
/// is switched off disappears from disco; and its items, none until components
/// exist. Nodes the server does not have are `item-not-found` (§3.1, §4.1).
public struct DiscoModule: ServerModule {
    public static let name = "disco"

    public init() {}

    public func register(_ registrar: inout ModuleRegistrar) {
        registrar.feature(Namespace.discoInfo)
        registrar.feature(Namespace.discoItems)
        registrar.identity(DiscoIdentity(category: "server", type: "im", name: "Needletail"))
        registrar.iq(.get, "query", namespace: Namespace.discoInfo) { request, addressee, _, modules in
            guard case .server = addressee else { return nil }
            guard request.payload?[attribute: "node"] == nil else {
                return request.errorReply(StanzaError.itemNotFound("no such node"))
            }
            var query = XMPPElement("query", namespace: Namespace.discoInfo)
            for identity in modules.identities {
                query.append(XMPPElement("identity", namespace: Namespace.discoInfo, [
                    "category": identity.category, "type": identity.type, "name": identity.name,
                ]))
            }
            for feature in modules.features {
                query.append(XMPPElement("feature", namespace: Namespace.discoInfo, ["var": feature]))
            }
            return request.result(payload: query)
        }
        registrar.iq(.get, "query", namespace: Namespace.discoItems) { request, addressee, _, _ in
            guard case .server = addressee else { return nil }
            guard request.payload?[attribute: "node"] == nil else {
                return request.errorReply(StanzaError.itemNotFound("no such node"))
            }
            return request.result(payload: XMPPElement("query", namespace: Namespace.discoItems))
        }
    }
}
