import XMPPCore

/// XEP-0199 XMPP Ping: the server answers pings to itself and, on an account's
/// behalf, to bare JIDs (XEP-0199 §4.2, §4.3).
public struct PingModule: ServerModule {
    public static let name = "ping"

    public init() {}

    public func register(_ registrar: inout ModuleRegistrar) {
        registrar.feature(Namespace.ping)
        registrar.iq(.get, "ping", namespace: Namespace.ping) { request, _, _, _ in
            request.result(payload: nil)
        }
    }
}
