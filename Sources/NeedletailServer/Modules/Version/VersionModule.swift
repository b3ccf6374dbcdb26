import XMPPCore

/// XEP-0092 Software Version of the server: its name, and unless hidden its
/// version and operating system (revealing them helps attackers pick exploits,
/// so an operator may hide them, §5).
public struct VersionModule: ServerModule {
    public static let name = "version"

    /// The version string reported.
    public static let serverVersion = "0.4.0"

    /// Whether version and OS are left out of answers.
    public var hidesDetails: Bool

    public init(hidesDetails: Bool = false) {
        self.hidesDetails = hidesDetails
    }

    public func register(_ registrar: inout ModuleRegistrar) {
        let hidesDetails = hidesDetails
        registrar.feature(Namespace.version)
        registrar.iq(.get, "query", namespace: Namespace.version) { request, addressee, _, _ in
            // Software version is the server's own; an account's is its clients' (§2, asked of a full JID).
            guard case .server = addressee else { return nil }
            return request.result(payload: XMPPElement("query", namespace: Namespace.version) {
                XMPPElement("name", namespace: Namespace.version, text: "Needletail")
                if !hidesDetails {
                    XMPPElement("version", namespace: Namespace.version, text: Self.serverVersion)
                    XMPPElement("os", namespace: Namespace.version, text: Self.operatingSystem)
                }
            })
        }
    }

    static var operatingSystem: String {
        #if os(Linux)
        "Linux"
        #elseif os(macOS)
        "macOS"
        #else
        "unknown"
        #endif
    }
}
