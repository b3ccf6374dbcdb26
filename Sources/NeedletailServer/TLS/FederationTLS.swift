import NIOSSL

/// TLS for server-to-server streams (RFC 6120 §5, §13.7.2). Peers are asked for
/// a certificate; NIOSSL does not judge it, the federation code does (PKIX and
/// the names it is issued for, RFC 6125), because an untrusted certificate still
/// allows dialback where the configuration permits it. Outbound, each local
/// domain presents its own certificate as the client's, so a peer can
/// authenticate us with SASL EXTERNAL.
public struct FederationTLS: Sendable {
    /// Presents the certificate of the domain SNI names; asks for the peer's.
    let serverContext: NIOSSLContext
    /// For connecting from each hosted domain, presenting its certificate.
    let clientContexts: [String: NIOSSLContext]
    /// The hosted domains whose certificate is not one the server generated for
    /// itself: worth offering to peers for SASL EXTERNAL.
    let domainsWithIssuedCertificates: Set<String>

    init(certificates: [DomainCertificate]) throws {
        guard let first = certificates.first else { throw NIOSSLError.noCertificateToValidate }
        serverContext = try ServerTLSContext.make(
            chain: first.certificateChain, key: first.privateKey,
            sniCallback: DomainCertificateStore.sniCallback(
                certificates: Dictionary(certificates.map { ($0.domain, $0) }, uniquingKeysWith: { first, _ in first })),
            requestPeerCertificate: true)
        var contexts: [String: NIOSSLContext] = [:]
        for certificate in certificates {
            var configuration = NIOSSL.TLSConfiguration.makeClientConfiguration()
            configuration.minimumTLSVersion = .tlsv12
            configuration.certificateChain = certificate.certificateChain.map { .certificate($0) }
            configuration.privateKey = .privateKey(certificate.privateKey)
            // Judged by the handler's callback, as for inbound streams.
            configuration.certificateVerification = .optionalVerification
            contexts[certificate.domain] = try NIOSSLContext(configuration: configuration)
        }
        clientContexts = contexts
        domainsWithIssuedCertificates = Set(certificates.filter { $0.source != .generated }.map(\.domain))
    }
}
