import SwiftASN1
import X509
import XMPPStreams

/// The names a certificate is issued for, and whether one covers a domain
/// (RFC 6125 §6.4, as RFC 6120 §13.7.1.2 applies it to XMPP): the DNS names of
/// the subjectAltName extension, or, only when it has none, the subject's common
/// names. A wildcard (`*.example.com`) stands for exactly one left-most label.
enum CertificateNames {
    /// The names `certificate` is issued for, as written in it.
    static func names(of certificate: Certificate) -> [String] {
        let dnsNames = (try? certificate.extensions.subjectAlternativeNames)?.compactMap { name -> String? in
            if case .dnsName(let dnsName) = name { return dnsName }
            return nil
        } ?? []
        return dnsNames.isEmpty ? commonNames(of: certificate.subject) : dnsNames
    }

    /// The common names (CN) of `name`.
    static func commonNames(of name: DistinguishedName) -> [String] {
        attributes(of: name, type: .RDNAttributeType.commonName)
    }

    /// The values of `name`'s attributes of `type`, as text.
    static func attributes(of name: DistinguishedName, type: ASN1ObjectIdentifier) -> [String] {
        name.flatMap { relativeName in
            relativeName.filter { $0.type == type }.map { String(describing: $0.value) }
        }
    }

    /// Whether `certificate` is issued for `domain`.
    static func covers(_ certificate: Certificate, domain: String) -> Bool {
        names(of: certificate).contains { matches($0, domain: domain) }
    }

    /// Whether the certificate name `pattern` matches `domain` (see ``CertificateName``).
    static func matches(_ pattern: String, domain: String) -> Bool {
        CertificateName.matches(pattern, domain: domain)
    }
}
