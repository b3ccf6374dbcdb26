import Crypto
import Foundation
import X509

/// What `needletail cert show` and `needletail check` tell about a domain's
/// certificate: who it is issued to and by, for which names, until when, its
/// fingerprint, and where it comes from. Never any key material.
public struct CertificateSummary: Sendable, Hashable {
    /// The domain the certificate serves.
    public var domain: String
    /// The leaf's subject, as an RFC 4514 string (`CN=example.com,O=...`).
    public var subject: String
    /// The leaf's subjectAltName DNS names, in order.
    public var subjectAlternativeNames: [String]
    /// The leaf's issuer, as an RFC 4514 string.
    public var issuer: String
    /// The start of the leaf's validity.
    public var notValidBefore: Date
    /// The end of the leaf's validity.
    public var notValidAfter: Date
    /// The leaf's signature algorithm as swift-certificates names it (`ecdsaWithSHA256`).
    public var signatureAlgorithm: String
    /// What the leaf's key may be used for: its keyUsage bits then its
    /// extendedKeyUsage purposes (`digitalSignature`, `serverAuth`, ...).
    public var keyUsages: [String]
    /// Whether the leaf's basicConstraints make it a certificate authority.
    public var isCertificateAuthority: Bool
    /// SHA-256 of the leaf's DER, as colon-separated upper-case hex pairs.
    public var sha256Fingerprint: String
    /// How many certificates the chain holds, the leaf included.
    public var chainLength: Int
    /// Where the certificate comes from.
    public var source: CertificateSource
    /// The files it was read from.
    public var files: CertificateFiles

    /// Whether the leaf's validity has ended at `date`.
    public func isExpired(at date: Date) -> Bool {
        notValidAfter <= date
    }

    init(domain: String, bundle: CertificateBundle, source: CertificateSource) {
        let leaf = bundle.leaf
        self.domain = domain
        self.subject = String(describing: leaf.subject)
        self.subjectAlternativeNames = (try? leaf.extensions.subjectAlternativeNames)?.compactMap { name -> String? in
            if case .dnsName(let dnsName) = name { return dnsName }
            return nil
        } ?? []
        self.issuer = String(describing: leaf.issuer)
        self.notValidBefore = leaf.notValidBefore
        self.notValidAfter = leaf.notValidAfter
        let algorithm = String(describing: leaf.signatureAlgorithm)
        self.signatureAlgorithm = algorithm.hasPrefix("SignatureAlgorithm.") ? String(algorithm.dropFirst(19)) : algorithm
        self.keyUsages = Self.keyUsages(of: leaf)
        if case .isCertificateAuthority = try? leaf.extensions.basicConstraints {
            self.isCertificateAuthority = true
        } else {
            self.isCertificateAuthority = false
        }
        self.sha256Fingerprint = SHA256.hash(data: bundle.chainDER[0])
            .map { byte in
                let hex = String(byte, radix: 16, uppercase: true)
                return byte < 0x10 ? "0" + hex : hex
            }
            .joined(separator: ":")
        self.chainLength = bundle.chain.count
        self.source = source
        self.files = bundle.files
    }

    private static func keyUsages(of certificate: Certificate) -> [String] {
        var usages: [String] = []
        if let keyUsage = try? certificate.extensions.keyUsage {
            let bits: [(Bool, String)] = [
                (keyUsage.digitalSignature, "digitalSignature"), (keyUsage.nonRepudiation, "nonRepudiation"),
                (keyUsage.keyEncipherment, "keyEncipherment"), (keyUsage.dataEncipherment, "dataEncipherment"),
                (keyUsage.keyAgreement, "keyAgreement"), (keyUsage.keyCertSign, "keyCertSign"),
                (keyUsage.cRLSign, "cRLSign"), (keyUsage.encipherOnly, "encipherOnly"), (keyUsage.decipherOnly, "decipherOnly"),
            ]
            usages += bits.filter(\.0).map(\.1)
        }
        if let extendedKeyUsage = try? certificate.extensions.extendedKeyUsage {
            usages += extendedKeyUsage.map { String(describing: $0) }
        }
        return usages
    }
}
