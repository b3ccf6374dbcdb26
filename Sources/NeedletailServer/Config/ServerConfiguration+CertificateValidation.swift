import Foundation

extension ServerConfiguration {
    /// Problems with certificates: entries for domains not served, configured
    /// files that cannot serve their domain at `now`, imported certificates in
    /// the data directory that cannot either, and domains that have neither and
    /// cannot get a generated one.
    func validateCertificates(now: Date) -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        let served = Set(domains.map(ConfigurationDecoder.normalizedDomain))
        for domain in tls.certificates.keys.sorted() where !served.contains(domain) {
            let path = ConfigKeyPath.join("tls.certificates", domain)
            problems.append(ConfigProblem(
                key: path,
                message: "Key '\(path)' configures a certificate for '\(domain)', which is not in 'domains'; add the domain or remove the table."
            ))
        }
        var checked: Set<String> = []
        for domain in domains where checked.insert(domain).inserted {
            if let files = tls.certificates[domain] {
                let path = ConfigKeyPath.join("tls.certificates", domain)
                for error in Self.certificateProblems(files, domain: domain, now: now) {
                    problems.append(ConfigProblem(key: path, message: "In '\(path)', \(error.reason)."))
                }
            } else {
                problems += dataDirectoryCertificateProblems(domain: domain, now: now)
            }
        }
        return problems
    }

    /// Every reason `files` cannot serve `domain` at `now`.
    static func certificateProblems(_ files: CertificateFiles, domain: String, now: Date) -> [CertificateError] {
        do {
            return try CertificateBundle.load(files).problems(domain: domain, now: now)
        } catch {
            return [error]
        }
    }

    /// Problems with the certificate the data directory holds for `domain`: an
    /// imported one must serve it as it is; a generated one is made again when
    /// needed, which only an internationalized domain prevents.
    private func dataDirectoryCertificateProblems(domain: String, now: Date) -> [ConfigProblem] {
        let directory = CertificateDirectory(storage: storage)
        let files = directory.files(for: domain)
        let canGenerate = domain.unicodeScalars.allSatisfy(\.isASCII)
        guard directory.contains(domain) else {
            return canGenerate ? [] : [Self.cannotGenerate(domain)]
        }
        let bundle: CertificateBundle
        do {
            bundle = try CertificateBundle.load(files)
        } catch {
            if DomainCertificateLoader.wasGenerated(files) {
                return canGenerate ? [] : [Self.cannotGenerate(domain)]
            }
            return [Self.importedProblem(domain: domain, error)]
        }
        if SelfSignedCertificate.isGenerated(bundle.leaf) {
            return []
        }
        return bundle.problems(domain: domain, now: now).map { Self.importedProblem(domain: domain, $0) }
    }

    private static func importedProblem(domain: String, _ error: CertificateError) -> ConfigProblem {
        ConfigProblem(
            key: "",
            message: "For '\(domain)', whose certificate was imported into the data directory, \(error.reason); import another with 'needletail cert import', or run 'needletail cert regenerate \(domain)'."
        )
    }

    private static func cannotGenerate(_ domain: String) -> ConfigProblem {
        let path = ConfigKeyPath.join("tls.certificates", domain)
        return ConfigProblem(
            key: path,
            message: "Domain '\(domain)' has no certificate, and a self-signed one cannot be generated for an internationalized domain; configure one in '\(path)'."
        )
    }
}
