import NIOSSL

/// The TLS handler of every server-side connection (c2s STARTTLS and direct TLS,
/// s2s inbound), made in one place so each gets the same buffer policy.
enum ServerTLSHandler {
    /// NIOSSL keeps its outbound ciphertext buffer at the largest size it ever
    /// held, so one large stanza (a vCard with a photo, a big roster) would leave
    /// a session holding that much for good. Most writes are a stanza or two:
    /// the buffer is kept at most this large, and a bigger one lives only for
    /// the write that needs it.
    static let preservedOutboundBytes = 4096

    static var configuration: NIOSSLHandler.Configuration {
        var configuration = NIOSSLHandler.Configuration()
        configuration.maximumPreservedOutboundBufferCapacity = preservedOutboundBytes
        return configuration
    }

    /// A handler for a connection whose peer is not asked for a certificate.
    static func make(context: NIOSSLContext) -> NIOSSLServerHandler {
        NIOSSLServerHandler(context: context, customVerificationCallback: nil, configuration: configuration)
    }

    /// A handler that judges the peer's certificate with `verification`.
    static func make(
        context: NIOSSLContext, verification: @escaping NIOSSLCustomVerificationCallback
    ) -> NIOSSLServerHandler {
        NIOSSLServerHandler(context: context, customVerificationCallback: verification, configuration: configuration)
    }
}
