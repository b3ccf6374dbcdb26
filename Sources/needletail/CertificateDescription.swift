import Foundation
import NeedletailServer

/// How the cert commands print a certificate: one fact a line, no key material.
enum CertificateDescription {
    /// The lines describing `summary`, indented under its domain.
    static func lines(_ summary: CertificateSummary) -> [String] {
        let source = switch summary.source {
        case .configured(let files): "configured (\(files.certificateChainPath), key \(files.privateKeyPath))"
        case .generated: "generated (\(summary.files.certificateChainPath))"
        case .imported: "imported (\(summary.files.certificateChainPath))"
        }
        let names = summary.subjectAlternativeNames.isEmpty ? "none" : summary.subjectAlternativeNames.joined(separator: ", ")
        let chain = summary.chainLength == 1 ? "1 certificate" : "\(summary.chainLength) certificates"
        return [
            "  source: \(source)",
            "  subject: \(summary.subject)",
            "  subject alternative names: \(names)",
            "  issuer: \(summary.issuer)",
            "  signature algorithm: \(summary.signatureAlgorithm)",
            "  key usage: \(summary.keyUsages.isEmpty ? "unrestricted" : summary.keyUsages.joined(separator: ", "))",
            "  valid: \(summary.notValidBefore.formatted(.iso8601)) to \(summary.notValidAfter.formatted(.iso8601))",
            "  SHA-256 fingerprint: \(summary.sha256Fingerprint)",
            "  chain: \(chain)",
        ]
    }

    /// A note when the configuration names files for `domain`, which the server
    /// uses instead of what the data directory holds.
    static func precedenceNote(domain: String, configuration: ServerConfiguration) -> String? {
        guard let files = configuration.tls.certificates[domain] else { return nil }
        return "Note: the configuration names '\(files.certificateChainPath)' for \(domain) in [tls.certificates], which the server uses instead; remove that table to use this certificate."
    }
}
