import Foundation
import Testing
@testable import NeedletailServer

/// What `validate(now:)` (and so `needletail check`) says about certificates:
/// configured files, and certificates imported into the data directory.
@Suite("Configuration certificate checks")
struct ConfigCertificateTests {
    static let table = "tls.certificates.\"example.com\""

    @Test("Configured files that serve their domain have no problem")
    func validFiles() throws {
        let directory = try ConfigFixtures.Directory()
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory)
        let configuration = ConfigFixtures.configuration(in: directory, certificates: ["example.com": files])
        #expect(configuration.validate() == [])
    }

    @Test("A certificate for a domain that is not served")
    func unservedDomain() throws {
        let directory = try ConfigFixtures.Directory()
        let files = try ConfigFixtures.writeCertificate(domain: "example.org", in: directory)
        let configuration = ConfigFixtures.configuration(in: directory, certificates: ["example.org": files])
        #expect(configuration.validate() == [
            ConfigProblem(key: "tls.certificates.\"example.org\"", message: "Key 'tls.certificates.\"example.org\"' configures a certificate for 'example.org', which is not in 'domains'; add the domain or remove the table."),
        ])
    }

    @Test("A missing certificate file")
    func missingCertificate() throws {
        let directory = try ConfigFixtures.Directory()
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory)
        let missing = directory.file("missing.pem")
        let configuration = ConfigFixtures.configuration(
            in: directory,
            certificates: ["example.com": CertificateFiles(certificateChainPath: missing, privateKeyPath: files.privateKeyPath)]
        )
        #expect(configuration.validate() == [
            ConfigProblem(key: Self.table, message: "In '\(Self.table)', the certificate file '\(missing)' does not exist."),
        ])
    }

    @Test("A domain listed twice has its certificate problems listed once")
    func duplicateDomainOnce() throws {
        let directory = try ConfigFixtures.Directory()
        let missing = directory.file("missing.pem")
        var configuration = ConfigFixtures.configuration(
            in: directory,
            certificates: ["example.com": CertificateFiles(certificateChainPath: missing, privateKeyPath: missing)]
        )
        configuration.domains = ["example.com", "example.com"]
        #expect(configuration.validate().map(\.key) == ["domains", Self.table])
    }

    @Test("A missing key file")
    func missingKey() throws {
        let directory = try ConfigFixtures.Directory()
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory)
        let missing = directory.file("missing.key")
        let configuration = ConfigFixtures.configuration(
            in: directory,
            certificates: ["example.com": CertificateFiles(certificateChainPath: files.certificateChainPath, privateKeyPath: missing)]
        )
        #expect(configuration.validate() == [
            ConfigProblem(key: Self.table, message: "In '\(Self.table)', the key file '\(missing)' does not exist."),
        ])
    }

    @Test("A certificate file that holds no certificate")
    func notACertificate() throws {
        let directory = try ConfigFixtures.Directory()
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory)
        let garbage = try directory.write("garbage.pem", "hello\n")
        let configuration = ConfigFixtures.configuration(
            in: directory,
            certificates: ["example.com": CertificateFiles(certificateChainPath: garbage, privateKeyPath: files.privateKeyPath)]
        )
        let problems = configuration.validate()
        #expect(problems.count == 1)
        #expect(problems.first?.message.hasPrefix("In '\(Self.table)', the certificate file '\(garbage)' ") == true)
    }

    @Test("A key file that holds no key")
    func notAKey() throws {
        let directory = try ConfigFixtures.Directory()
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory)
        let configuration = ConfigFixtures.configuration(
            in: directory,
            certificates: ["example.com": CertificateFiles(certificateChainPath: files.certificateChainPath, privateKeyPath: files.certificateChainPath)]
        )
        #expect(configuration.validate() == [
            ConfigProblem(key: Self.table, message: "In '\(Self.table)', the key file '\(files.certificateChainPath)' holds no PEM private key Needletail can read (PKCS #8, SEC 1 or PKCS #1; RSA, ECDSA P-256/384/521 or Ed25519)."),
        ])
    }

    @Test("A key that does not belong to the certificate")
    func keyMismatch() throws {
        let directory = try ConfigFixtures.Directory()
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory)
        let other = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory, name: "other")
        let configuration = ConfigFixtures.configuration(
            in: directory,
            certificates: ["example.com": CertificateFiles(certificateChainPath: files.certificateChainPath, privateKeyPath: other.privateKeyPath)]
        )
        #expect(configuration.validate() == [
            ConfigProblem(key: Self.table, message: "In '\(Self.table)', the private key in '\(other.privateKeyPath)' does not belong to the first certificate in '\(files.certificateChainPath)'."),
        ])
    }

    @Test("An expired certificate")
    func expired() throws {
        let directory = try ConfigFixtures.Directory()
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory, now: ConfigFixtures.twoYearsAgo)
        let configuration = ConfigFixtures.configuration(in: directory, certificates: ["example.com": files])
        let problems = configuration.validate()
        #expect(problems.count == 1)
        #expect(problems.first?.message.hasPrefix("In '\(Self.table)', the certificate in '\(files.certificateChainPath)' expired on ") == true)
    }

    @Test("A certificate not yet valid")
    func notYetValid() throws {
        let directory = try ConfigFixtures.Directory()
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory, now: Date().addingTimeInterval(86_400))
        let configuration = ConfigFixtures.configuration(in: directory, certificates: ["example.com": files])
        let problems = configuration.validate()
        #expect(problems.count == 1)
        #expect(problems.first?.message.hasPrefix("In '\(Self.table)', the certificate in '\(files.certificateChainPath)' is not valid before ") == true)
    }

    @Test("A certificate for another domain")
    func otherDomain() throws {
        let directory = try ConfigFixtures.Directory()
        let files = try ConfigFixtures.writeCertificate(domain: "example.org", in: directory)
        let configuration = ConfigFixtures.configuration(in: directory, certificates: ["example.com": files])
        #expect(configuration.validate() == [
            ConfigProblem(key: Self.table, message: "In '\(Self.table)', the certificate in '\(files.certificateChainPath)' does not cover 'example.com': it is issued for 'example.org'."),
        ])
    }

    @Test("A chain whose second certificate did not issue the first")
    func chainOutOfOrder() throws {
        let directory = try ConfigFixtures.Directory()
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory)
        let other = try ConfigFixtures.writeCertificate(domain: "example.org", in: directory)
        let chain = try String(contentsOfFile: files.certificateChainPath, encoding: .utf8)
            + String(contentsOfFile: other.certificateChainPath, encoding: .utf8)
        let chainPath = try directory.write("chain.pem", chain)
        let configuration = ConfigFixtures.configuration(
            in: directory,
            certificates: ["example.com": CertificateFiles(certificateChainPath: chainPath, privateKeyPath: files.privateKeyPath)]
        )
        #expect(configuration.validate() == [
            ConfigProblem(key: Self.table, message: "In '\(Self.table)', certificate 2 in '\(chainPath)' did not issue certificate 1; put the server's certificate first, then each issuer in turn."),
        ])
    }

    @Test("Every problem of one certificate is listed")
    func severalProblems() throws {
        let directory = try ConfigFixtures.Directory()
        let files = try ConfigFixtures.writeCertificate(domain: "example.org", in: directory, now: ConfigFixtures.twoYearsAgo)
        let other = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory, name: "other")
        let configuration = ConfigFixtures.configuration(
            in: directory,
            certificates: ["example.com": CertificateFiles(certificateChainPath: files.certificateChainPath, privateKeyPath: other.privateKeyPath)]
        )
        #expect(configuration.validate().count == 3)
    }

    @Test("An imported certificate that has expired is a problem")
    func importedExpired() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        let source = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory, now: ConfigFixtures.twoYearsAgo)
        let data = CertificateDirectory(storage: configuration.storage)
        try FileManager.default.createDirectory(atPath: data.path, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source.certificateChainPath, toPath: data.files(for: "example.com").certificateChainPath)
        try FileManager.default.copyItem(atPath: source.privateKeyPath, toPath: data.files(for: "example.com").privateKeyPath)
        let problems = configuration.validate()
        #expect(problems.count == 1)
        let message = try #require(problems.first?.message)
        #expect(message.hasPrefix("For 'example.com', whose certificate was imported into the data directory, the certificate in '\(data.files(for: "example.com").certificateChainPath)' expired on "))
        #expect(message.hasSuffix("; import another with 'needletail cert import', or run 'needletail cert regenerate example.com'."))
    }

    @Test("A generated certificate that has expired is no problem: it is generated again")
    func generatedExpired() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        _ = try CertificateAdministration.regenerate(domain: "example.com", configuration: configuration, now: ConfigFixtures.twoYearsAgo)
        #expect(configuration.validate() == [])
    }

    @Test("An internationalized domain needs a configured certificate")
    func internationalizedDomain() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory, domains: ["bücher.example"])
        #expect(configuration.validate() == [
            ConfigProblem(key: "tls.certificates.\"bücher.example\"", message: "Domain 'bücher.example' has no certificate, and a self-signed one cannot be generated for an internationalized domain; configure one in 'tls.certificates.\"bücher.example\"'."),
        ])
    }
}
