import Foundation
import Logging

/// Finds or makes the certificate of one domain, in order of precedence:
/// 1. the files `[tls.certificates."domain"]` names, used as they are;
/// 2. a certificate in the data directory, imported or generated earlier;
/// 3. a new self-signed certificate, generated and written there.
///
/// A generated certificate that has expired, or whose files are damaged, is
/// generated again. A configured or imported one is never replaced: its
/// problems are the administrator's to fix and stop the start.
enum DomainCertificateLoader {
    /// The certificate `domain` is served with at `now`.
    static func load(
        domain: String,
        configuration: ServerConfiguration,
        now: Date,
        logger: Logger
    ) throws(CertificateError) -> DomainCertificate {
        if let files = configuration.tls.certificates[domain] {
            let bundle = try CertificateBundle.load(files)
            if let problem = bundle.problems(domain: domain, now: now).first {
                throw problem
            }
            return try DomainCertificate(domain: domain, bundle: bundle, source: .configured(files))
        }
        let directory = CertificateDirectory(storage: configuration.storage)
        guard directory.contains(domain) else {
            logger.info("Generating a self-signed certificate", metadata: ["domain": "\(domain)", "path": "\(directory.path)"])
            return try generate(domain: domain, in: directory, now: now)
        }
        let files = directory.files(for: domain)
        let bundle: CertificateBundle
        do {
            bundle = try CertificateBundle.load(files)
        } catch {
            guard wasGenerated(files) else { throw error }
            logger.warning(
                "Generating the self-signed certificate again",
                metadata: ["domain": "\(domain)", "reason": "\(error.reason)"]
            )
            return try generate(domain: domain, in: directory, now: now)
        }
        let isGenerated = SelfSignedCertificate.isGenerated(bundle.leaf)
        if let problem = bundle.problems(domain: domain, now: now).first {
            guard isGenerated else { throw problem }
            logger.notice(
                "Generating the self-signed certificate again",
                metadata: ["domain": "\(domain)", "reason": "\(problem.reason)"]
            )
            return try generate(domain: domain, in: directory, now: now)
        }
        return try DomainCertificate(domain: domain, bundle: bundle, source: isGenerated ? .generated : .imported)
    }

    /// Generates a certificate for `domain`, writes it to `directory` and loads it back.
    static func generate(domain: String, in directory: CertificateDirectory, now: Date) throws(CertificateError) -> DomainCertificate {
        let (certificatePEM, keyPEM) = try SelfSignedCertificate.generate(domain: domain, now: now)
        try directory.write(domain: domain, certificatePEM: certificatePEM, keyPEM: keyPEM)
        let bundle = try CertificateBundle.load(directory.files(for: domain))
        return try DomainCertificate(domain: domain, bundle: bundle, source: .generated)
    }

    /// Whether the certificate file in `files` parses and is one the server
    /// generated, even though the pair as a whole could not be loaded.
    static func wasGenerated(_ files: CertificateFiles) -> Bool {
        guard let data = FileManager.default.contents(atPath: files.certificateChainPath),
              let pem = String(data: data, encoding: .utf8),
              let chain = try? CertificateBundle.parseChain(pem, path: files.certificateChainPath)
        else { return false }
        return SelfSignedCertificate.isGenerated(chain[0])
    }
}
