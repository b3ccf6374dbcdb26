import NIOSSL

/// How Needletail configures a server-side `NIOSSLContext`: TLS 1.2 or newer
/// (DESIGN.md, Security defaults; RFC 7590 §3.1 for XMPP), NIOSSL's default
/// cipher suites; no client certificate requested from clients, one asked of
/// (but not required from) peer servers, whose certificate the federation code
/// checks itself (RFC 6120 §13.7.2).
enum ServerTLSContext {
    /// A context presenting `chain` (leaf first) with `key`, optionally choosing
    /// the certificate per handshake with `sniCallback`. With
    /// `requestPeerCertificate`, the peer is asked for a certificate; the
    /// handler's verification callback judges it.
    static func make(
        chain: [NIOSSLCertificate],
        key: NIOSSLPrivateKey,
        sniCallback: NIOSSLContextCallback? = nil,
        requestPeerCertificate: Bool = false
    ) throws -> NIOSSLContext {
        var configuration = NIOSSL.TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.sslContextCallback = sniCallback
        if requestPeerCertificate {
            configuration.certificateVerification = .optionalVerification
        }
        return try NIOSSLContext(configuration: configuration)
    }
}
