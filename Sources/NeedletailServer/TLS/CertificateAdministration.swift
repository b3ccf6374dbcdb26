import Foundation
import SwiftASN1
import X509
import XMPPCore

/// What `needletail cert show|regenerate|import` do, apart from the command line.
///
/// Imported certificates are copied into the data directory
/// (`<data>/certificates/<domain>.crt` and `.key`), where the server finds them
/// with no change to the configuration and never replaces them, unlike the
/// generated ones kept there. A `[tls.certificates."domain"]` entry in the
/// configuration still takes precedence over both.
public enum CertificateAdministration {
    /// The certificate of each domain of `configuration`, or of `domain` alone,
    /// as the server would find it at `now`. Reads only; generates nothing.
    public static func show(
        configuration: ServerConfiguration,
        domain: String? = nil,
        now: Date = Date()
    ) throws(CertificateError) -> [CertificateReport] {
        let domains = try domain.map { domain throws(CertificateError) in [try served(domain, in: configuration)] } ?? configuration.domains
        return domains.map { report(domain: $0, configuration: configuration, now: now) }
    }

    /// Replaces the certificate `domain` keeps in the data directory, generated
    /// or imported, with a new self-signed one.
    public static func regenerate(
        domain: String,
        configuration: ServerConfiguration,
        now: Date = Date()
    ) throws(CertificateError) -> CertificateSummary {
        let domain = try served(domain, in: configuration)
        let directory = CertificateDirectory(storage: configuration.storage)
        return try DomainCertificateLoader.generate(domain: domain, in: directory, now: now).summary
    }

    /// Copies the PEM chain at `certificatePath` (leaf first) and the PEM key at
    /// `keyPath` into the data directory as `domain`'s certificate, after
    /// checking that the key is the leaf's, that the leaf is valid at `now` and
    /// issued for `domain`, and that the chain is in order.
    public static func importCertificate(
        domain: String,
        certificatePath: String,
        keyPath: String,
        configuration: ServerConfiguration,
        now: Date = Date()
    ) throws(CertificateError) -> CertificateSummary {
        let domain = try served(domain, in: configuration)
        let bundle = try CertificateBundle.load(CertificateFiles(certificateChainPath: certificatePath, privateKeyPath: keyPath))
        if let problem = bundle.problems(domain: domain, now: now).first {
            throw problem
        }
        // The chain is written back from what was parsed, so anything else the
        // file held (comments, a key) stays behind.
        let chainPEM = bundle.chainDER
            .map { PEMDocument(type: Certificate.defaultPEMDiscriminator, derBytes: $0).pemString + "\n" }
            .joined()
        let directory = CertificateDirectory(storage: configuration.storage)
        try directory.write(domain: domain, certificatePEM: chainPEM, keyPEM: bundle.privateKeyPEM)
        let stored = try CertificateBundle.load(directory.files(for: domain))
        let source: CertificateSource = SelfSignedCertificate.isGenerated(stored.leaf) ? .generated : .imported
        return CertificateSummary(domain: domain, bundle: stored, source: source)
    }

    private static func report(domain: String, configuration: ServerConfiguration, now: Date) -> CertificateReport {
        let files: CertificateFiles
        let configured: Bool
        if let configuredFiles = configuration.tls.certificates[domain] {
            files = configuredFiles
            configured = true
        } else {
            let directory = CertificateDirectory(storage: configuration.storage)
            guard directory.contains(domain) else {
                return CertificateReport(domain: domain, summary: nil, problems: [])
            }
            files = directory.files(for: domain)
            configured = false
        }
        do {
            let bundle = try CertificateBundle.load(files)
            let source: CertificateSource = configured
                ? .configured(files)
                : (SelfSignedCertificate.isGenerated(bundle.leaf) ? .generated : .imported)
            return CertificateReport(
                domain: domain,
                summary: CertificateSummary(domain: domain, bundle: bundle, source: source),
                problems: bundle.problems(domain: domain, now: now)
            )
        } catch {
            return CertificateReport(domain: domain, summary: nil, problems: [error])
        }
    }

    /// `domain`, normalized, if `configuration` serves it.
    /// Only a valid JID domain is accepted, so no domain can name a path
    /// outside the certificates folder.
    private static func served(_ domain: String, in configuration: ServerConfiguration) throws(CertificateError) -> String {
        guard let normalized = try? JID(localpart: nil, domainpart: domain).domainpart else {
            throw CertificateError(.unknownDomain, "'\(domain)' is not a valid domain")
        }
        guard configuration.domains.contains(normalized) else {
            throw CertificateError(
                .unknownDomain,
                "the domain '\(normalized)' is not served by this configuration (\(ConfigWording.list(configuration.domains.map { "'\($0)'" }))); add it to 'domains' first"
            )
        }
        return normalized
    }
}
