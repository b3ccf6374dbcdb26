import NIOSSL
import XMPPStreams

/// The store is what the listeners get their TLS from: one context that picks
/// each domain's certificate by SNI, for STARTTLS and direct TLS alike, and each
/// domain's channel binding. A domain whose certificate gives no binding
/// (Ed25519) is left out, so no -PLUS mechanism is offered for it.
extension DomainCertificateStore: TLSContextProvider {
    /// The context that presents the certificate of the domain SNI names.
    public var serverContext: NIOSSLContext { sniContext }

    /// `tls-server-end-point` data of each hosted domain's certificate (RFC 5929 §4.1).
    public var channelBindings: [String: ChannelBinding] {
        certificates.compactMapValues(\.channelBinding)
    }
}
