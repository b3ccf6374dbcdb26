import SwiftASN1
import X509

/// What a peer server's certificate proves (RFC 6120 §13.7.2, RFC 6125,
/// XEP-0178): the chain is checked by PKIX (RFC 5280) against the trusted
/// roots, and when it holds, the names it is issued for are the domains the peer
/// may authenticate as with SASL EXTERNAL. A chain that fails, or no
/// certificate, proves nothing; the peer may still use dialback where allowed.
struct PeerCertificateValidation: Sendable {
    /// id-on-xmppAddr (RFC 6120 §13.7.1.4).
    static let xmppAddr: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 8, 5]
    /// id-on-dnsSRV (RFC 4985).
    static let srvName: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 8, 7]

    let roots: CertificateStore

    /// Validation against `roots` (the system's, a configured CA bundle, or both).
    init(roots: CertificateStore) {
        self.roots = roots
    }

    /// The names the chain (leaf first) is valid for now, or none.
    func validatedNames(chain: [Certificate]) async -> [String] {
        guard let leaf = chain.first else { return [] }
        var verifier = Verifier(rootCertificates: roots) {
            RFC5280Policy()
        }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(chain.dropFirst()))
        guard case .validCertificate = result else { return [] }
        return Self.names(of: leaf)
    }

    /// The reference identities of a server certificate (RFC 6120 §13.7.1.2):
    /// DNS-IDs, SRV-IDs for `_xmpp-server` (their domain), XmppAddrs; the
    /// subject's common name only when there is no subjectAltName (RFC 6125 §6.4.4).
    static func names(of certificate: Certificate) -> [String] {
        guard let alternatives = try? certificate.extensions.subjectAlternativeNames, !alternatives.isEmpty else {
            return CertificateNames.commonNames(of: certificate.subject)
        }
        return alternatives.compactMap { name -> String? in
            switch name {
            case .dnsName(let dnsName):
                return dnsName
            case .otherName(let other) where other.typeID == xmppAddr:
                return other.value.flatMap { try? ASN1UTF8String(asn1Any: $0) }.map(String.init)
            case .otherName(let other) where other.typeID == srvName:
                guard let service = other.value.flatMap({ try? ASN1IA5String(asn1Any: $0) }).map(String.init),
                      service.hasPrefix("_xmpp-server.") else { return nil }
                return String(service.dropFirst("_xmpp-server.".count))
            default:
                return nil
            }
        }
    }
}
