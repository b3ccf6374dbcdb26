import Foundation
import Logging
import NIOSSL
import XMPPStreams

/// The TLS identities of every domain the server hosts, built once at start
/// (`NIOSSLContext`s are costly; handlers are cheap) and shared by every
/// listener: one server can serve several domains on one port.
///
/// `sniContext` presents the certificate of the domain the client names in
/// SNI (RFC 6066 §3; XEP-0368 §3 and RFC 7590 §3.1 have XMPP clients send it),
/// or the first domain's when the name is missing or not hosted. The channel
/// binding a session uses is that of the domain its stream header names; a
/// client that names one domain in SNI and another in the header gets a
/// -PLUS exchange that fails, the safe outcome. Each domain's `sslContext`
/// presents that domain's certificate only, for callers that know the domain
/// before the handshake.
public struct DomainCertificateStore: Sendable {
    /// Each hosted domain's certificate.
    public let certificates: [String: DomainCertificate]
    /// The domain whose certificate is presented when SNI names no hosted domain:
    /// the first of the configuration's domains.
    public let defaultDomain: String
    /// A context that picks each handshake's certificate by SNI.
    public let sniContext: NIOSSLContext
    /// The same for peer servers, asking for their certificate, and a client
    /// context per domain for connecting to them.
    public let federation: FederationTLS

    /// Loads, or generates on first start, the certificate of every domain of
    /// `configuration` (see `DomainCertificateLoader` for the order of sources).
    ///
    /// - Throws: the first `CertificateError` met; its `description` is a
    ///   sentence fit for the administrator.
    public init(configuration: ServerConfiguration, logger: Logger, now: Date = Date()) throws(CertificateError) {
        var certificates: [DomainCertificate] = []
        for domain in configuration.domains {
            certificates.append(try DomainCertificateLoader.load(domain: domain, configuration: configuration, now: now, logger: logger))
        }
        try self.init(certificates: certificates)
    }

    /// A store over `certificates`, the first being the default.
    ///
    /// - Throws: `CertificateError.Code.unknownDomain` when `certificates` is
    ///   empty, `.contextFailed` when NIOSSL refuses the SNI context.
    init(certificates: [DomainCertificate]) throws(CertificateError) {
        guard let first = certificates.first else {
            throw CertificateError(.unknownDomain, "no domain is configured, so there is no certificate to present")
        }
        self.defaultDomain = first.domain
        self.certificates = Dictionary(certificates.map { ($0.domain, $0) }, uniquingKeysWith: { first, _ in first })
        do {
            self.sniContext = try ServerTLSContext.make(
                chain: first.certificateChain,
                key: first.privateKey,
                sniCallback: Self.sniCallback(certificates: self.certificates)
            )
            self.federation = try FederationTLS(certificates: certificates)
        } catch {
            throw CertificateError(.contextFailed, "TLS refused the server name indication context: \(error)")
        }
    }

    /// The certificate of `domain`, if it is hosted.
    public func certificate(for domain: String) -> DomainCertificate? {
        certificates[domain]
    }

    /// The channel binding of `domain`'s certificate, if it is hosted and its
    /// certificate gives one.
    public func channelBinding(for domain: String) -> ChannelBinding? {
        certificates[domain]?.channelBinding
    }
}
