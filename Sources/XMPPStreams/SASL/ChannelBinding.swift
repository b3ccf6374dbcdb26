/// Channel binding data for the SCRAM -PLUS mechanisms (RFC 5056, RFC 5802 §6):
/// bytes both ends of one TLS connection can compute and a man in the middle
/// cannot make equal on its two connections.
///
/// Only `tls-server-end-point` (RFC 5929 §4) is supported: it needs nothing from
/// the TLS library beyond the server's certificate, so the server computes it
/// once per certificate (``tlsServerEndPoint(certificateDER:)``) and hands the
/// same value to every connection using that certificate; a client computes it
/// from the certificate the server presented. (`tls-unique` is unsafe with
/// TLS 1.3 and `tls-exporter` needs a keying-material exporter swift-nio-ssl
/// does not expose.)
public struct ChannelBinding: Sendable, Hashable {
    /// Channel binding types (the IANA "Channel-Binding Types" registry).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// RFC 5929 §4: a hash of the server's certificate.
        case tlsServerEndPoint = "tls-server-end-point"
    }

    /// The type, sent in the GS2 header as `p=<name>` (RFC 5802 §7).
    public let kind: Kind
    /// The binding data appended to the GS2 header in the `c=` attribute.
    public let data: [UInt8]

    /// `tls-server-end-point` data the caller has already computed (the hash of
    /// the certificate, RFC 5929 §4.1).
    public static func tlsServerEndPoint(data: [UInt8]) -> ChannelBinding {
        ChannelBinding(kind: .tlsServerEndPoint, data: data)
    }

    private init(kind: Kind, data: [UInt8]) {
        self.kind = kind
        self.data = data
    }
}
