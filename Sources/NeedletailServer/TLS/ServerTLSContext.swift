import NIOSSL

/// How Needletail configures a server-side `NIOSSLContext`: TLS 1.2 or newer
/// (DESIGN.md, Security defaults; RFC 7590 §3.1 for XMPP), NIOSSL's default
/// cipher suites, no client certificate requested.
enum ServerTLSContext {
    /// A context presenting `chain` (leaf first) with `key`, optionally choosing
    /// the certificate per handshake with `sniCallback`.
    static func make(
        chain: [NIOSSLCertificate],
        key: NIOSSLPrivateKey,
        sniCallback: NIOSSLContextCallback? = nil
    ) throws -> NIOSSLContext {
        var configuration = NIOSSL.TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.sslContextCallback = sniCallback
        return try NIOSSLContext(configuration: configuration)
    }
}
