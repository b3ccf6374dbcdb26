import NIOCore
import NIOSSL

extension XMPPClient {
    /// ALPN protocol name for XMPP client streams over direct TLS (XEP-0368 §3).
    static let directTLSProtocol = "xmpp-client"

    /// The TLS context for `configuration`, or nil for plaintext. Built once per
    /// client (a context is costly; handlers made from it are cheap).
    static func makeSSLContext(for configuration: Configuration) throws(XMPPClientError) -> NIOSSLContext? {
        guard configuration.tls != .plaintext, configuration.tls != .trustedPlaintext else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        // DESIGN.md, Security defaults: TLS 1.2 or newer.
        tls.minimumTLSVersion = .tlsv12
        switch configuration.certificateVerification {
        case .verify:
            tls.certificateVerification = .fullVerification
            tls.trustRoots = .default
        case .trustRoots(let pems):
            var roots: [NIOSSLCertificate] = []
            for pem in pems {
                do {
                    roots += try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
                } catch {
                    throw .invalidConfiguration("a trust root is not a PEM certificate: \(error)")
                }
            }
            guard !roots.isEmpty else { throw .invalidConfiguration("no trust roots given") }
            tls.certificateVerification = .fullVerification
            tls.trustRoots = .certificates(roots)
        case .noVerification:
            tls.certificateVerification = .none
        }
        if configuration.tls == .directTLS {
            tls.applicationProtocols = [directTLSProtocol]
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw .tlsFailed("cannot create the TLS context: \(error)")
        }
    }

    /// A TLS client handler checking the certificate against `serverName`, which is
    /// also sent as SNI. An IP literal cannot go in SNI (RFC 6066 §3); the
    /// certificate is then checked against the address dialled.
    static func makeTLSHandler(context: NIOSSLContext, serverName: String) throws -> NIOSSLClientHandler {
        if let handler = try? NIOSSLClientHandler(context: context, serverHostname: serverName) {
            return handler
        }
        return try NIOSSLClientHandler(context: context, serverHostname: nil)
    }
}
