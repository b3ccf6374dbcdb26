import NIOSSL
import XMPPStreams

/// One domain's TLS identity, loaded once at start and shared by every
/// connection to the domain: its certificate chain and key, a `NIOSSLContext`
/// presenting them, and the `tls-server-end-point` channel binding of the leaf.
public struct DomainCertificate: Sendable {
    /// The domain served.
    public let domain: String
    /// Who the certificate is issued to and by, its validity and its source.
    public let summary: CertificateSummary
    /// A server context presenting this domain's certificate and nothing else:
    /// for STARTTLS, where the stream header has already named the domain.
    public let sslContext: NIOSSLContext
    /// `tls-server-end-point` data for the leaf (RFC 5929 §4.1), computed once;
    /// `nil` when the leaf's signature algorithm defines no hash for it
    /// (Ed25519), in which case no -PLUS mechanism can be offered.
    public let channelBinding: ChannelBinding?
    /// The chain in NIOSSL's form, for the SNI callback.
    let certificateChain: [NIOSSLCertificate]
    /// The key in NIOSSL's form, for the SNI callback.
    let privateKey: NIOSSLPrivateKey

    /// Where the certificate comes from.
    public var source: CertificateSource { summary.source }

    /// Builds the NIOSSL objects for `bundle`.
    ///
    /// - Throws: `CertificateError.Code.contextFailed` when NIOSSL refuses them.
    init(domain: String, bundle: CertificateBundle, source: CertificateSource) throws(CertificateError) {
        self.domain = domain
        self.summary = CertificateSummary(domain: domain, bundle: bundle, source: source)
        self.channelBinding = try? ChannelBinding.tlsServerEndPoint(certificateDER: bundle.chainDER[0])
        do {
            self.certificateChain = try bundle.chainDER.map { try NIOSSLCertificate(bytes: $0, format: .der) }
            self.privateKey = try NIOSSLPrivateKey(bytes: Array(bundle.privateKeyPEM.utf8), format: .pem)
            self.sslContext = try ServerTLSContext.make(chain: certificateChain, key: privateKey)
        } catch {
            throw CertificateError(.contextFailed, "TLS refused the certificate and key for '\(domain)': \(error)")
        }
    }
}
