import NIOCore
import NIOSSL

extension DomainCertificateStore {
    /// The hosted domain whose certificate answers a ClientHello naming
    /// `serverName` (RFC 6066 §3): that domain when it is hosted (compared
    /// without ASCII case or a final dot), the default domain otherwise.
    public func domain(forServerName serverName: String?) -> String {
        Self.hostedDomain(forServerName: serverName) { certificates[$0] != nil } ?? defaultDomain
    }

    /// The domain `serverName` names, if `isHosted` says it is hosted.
    static func hostedDomain(forServerName serverName: String?, isHosted: (String) -> Bool) -> String? {
        guard var name = serverName?.lowercased() else { return nil }
        if name.hasSuffix(".") { name.removeLast() }
        return isHosted(name) ? name : nil
    }

    /// NIOSSL's per-handshake callback: swaps the context's default certificate
    /// for that of the domain SNI names. It runs on the connection's event loop
    /// and answers at once from the immutable table built at start.
    static func sniCallback(certificates: [String: DomainCertificate]) -> NIOSSLContextCallback {
        let overrides = certificates.mapValues { certificate in
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = certificate.certificateChain.map { .certificate($0) }
            override.privateKey = .privateKey(certificate.privateKey)
            return override
        }
        return { values, promise in
            if let domain = hostedDomain(forServerName: values.serverHostname, isHosted: { overrides[$0] != nil }),
               let override = overrides[domain] {
                promise.succeed(override)
            } else {
                promise.succeed(.noChanges)
            }
        }
    }
}
