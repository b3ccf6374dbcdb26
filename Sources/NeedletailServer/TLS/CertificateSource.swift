/// Where a domain's certificate comes from.
public enum CertificateSource: Sendable, Hashable, CustomStringConvertible {
    /// Files named in the configuration (`[tls.certificates."domain"]`).
    case configured(CertificateFiles)
    /// A self-signed certificate the server generated in the data directory; it
    /// is generated again when it expires.
    case generated
    /// A certificate and key copied into the data directory by
    /// `needletail cert import`; never replaced by the server.
    case imported

    /// "configured", "generated" or "imported".
    public var description: String {
        switch self {
        case .configured: "configured"
        case .generated: "generated"
        case .imported: "imported"
        }
    }
}
