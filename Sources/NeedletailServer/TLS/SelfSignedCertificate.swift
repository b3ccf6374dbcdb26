import Crypto
import Foundation
import SwiftASN1
import X509

/// The certificate a domain gets when none is configured or imported: made on
/// first start with swift-certificates, kept in the data directory, and made
/// again once it expires.
///
/// An ECDSA P-256 key, signed with SHA-256 (so `tls-server-end-point` hashes it
/// with SHA-256, RFC 5929 §4.1), valid for a year; subjectAltName is the domain
/// alone (RFC 6120 §13.7.1.2: clients match the DNS-ID against the domain);
/// basicConstraints CA=false, keyUsage digitalSignature and extendedKeyUsage
/// serverAuth and clientAuth (the latter for s2s, where the server is a TLS
/// client too).
enum SelfSignedCertificate {
    /// The subject's organization name, which marks a certificate as generated
    /// here (and so replaceable) rather than imported.
    static let organizationName = "Needletail self-signed"
    /// How long a generated certificate is valid.
    static let validity: TimeInterval = 365 * 24 * 60 * 60
    /// How far before `now` validity starts, so a peer whose clock is a little
    /// behind does not see a certificate from the future.
    static let backdating: TimeInterval = 60 * 60

    /// A new certificate and key for `domain`, as PEM. `organizationName` is
    /// the marker of generated certificates unless tests make a foreign one.
    ///
    /// - Throws: `CertificateError.Code.unsupportedDomain` for a domain that is
    ///   not ASCII (a subjectAltName DNS name is an A-label, RFC 5280 §4.2.1.6),
    ///   `.generationFailed` when swift-certificates refuses.
    static func generate(
        domain: String,
        now: Date,
        organizationName: String = SelfSignedCertificate.organizationName
    ) throws(CertificateError) -> (certificatePEM: String, keyPEM: String) {
        guard domain.unicodeScalars.allSatisfy(\.isASCII) else {
            throw CertificateError(
                .unsupportedDomain,
                "'\(domain)' is an internationalized domain, which a self-signed certificate cannot name yet; configure a certificate for it in [tls.certificates]"
            )
        }
        let key = P256.Signing.PrivateKey()
        let privateKey = Certificate.PrivateKey(key)
        do {
            let name = try DistinguishedName {
                CommonName(domain)
                OrganizationName(organizationName)
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames([.dnsName(domain)])
            }
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: privateKey.publicKey,
                notValidBefore: now.addingTimeInterval(-backdating),
                notValidAfter: now.addingTimeInterval(validity),
                issuer: name,
                subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: privateKey
            )
            return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
        } catch {
            throw CertificateError(.generationFailed, "a certificate for '\(domain)' could not be generated: \(error)")
        }
    }

    /// Whether `certificate` is one `generate` made: self-issued, with
    /// ``organizationName`` in its subject.
    static func isGenerated(_ certificate: Certificate) -> Bool {
        certificate.issuer == certificate.subject
            && CertificateNames.attributes(of: certificate.subject, type: .RDNAttributeType.organizationName)
                .contains(organizationName)
    }
}
