import Foundation
import Testing
@testable import NeedletailServer

/// `needletail cert show|regenerate|import`, through `CertificateAdministration`.
@Suite("Certificate administration")
struct CertificateAdministrationTests {
    @Test("Import copies a valid chain and key into the data directory")
    func importsValidCertificate() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory)
        let summary = try CertificateAdministration.importCertificate(
            domain: "Example.COM", certificatePath: files.certificateChainPath, keyPath: files.privateKeyPath,
            configuration: configuration
        )
        let stored = CertificateDirectory(storage: configuration.storage).files(for: "example.com")
        #expect(summary.domain == "example.com")
        #expect(summary.source == .imported)
        #expect(summary.files == stored)
        let mode = try FileManager.default.attributesOfItem(atPath: stored.privateKeyPath)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(try String(contentsOfFile: stored.privateKeyPath, encoding: .utf8) == String(contentsOfFile: files.privateKeyPath, encoding: .utf8))
        let reports = try CertificateAdministration.show(configuration: configuration)
        #expect(reports == [CertificateReport(domain: "example.com", summary: summary, problems: [])])
    }

    @Test("Import keeps only the certificates of the chain file")
    func importDropsOtherBlocks() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory)
        let combined = try "# bundle\n" + String(contentsOfFile: files.certificateChainPath, encoding: .utf8)
            + String(contentsOfFile: files.privateKeyPath, encoding: .utf8)
        let combinedPath = try directory.write("combined.pem", combined)
        _ = try CertificateAdministration.importCertificate(
            domain: "example.com", certificatePath: combinedPath, keyPath: files.privateKeyPath, configuration: configuration
        )
        let stored = try String(contentsOfFile: CertificateDirectory(storage: configuration.storage).files(for: "example.com").certificateChainPath, encoding: .utf8)
        #expect(!stored.contains("PRIVATE KEY"))
        #expect(stored.hasPrefix("-----BEGIN CERTIFICATE-----"))
    }

    @Test("Import refuses a key that is not the certificate's")
    func importRefusesMismatch() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory)
        let other = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory, name: "other")
        #expect {
            try CertificateAdministration.importCertificate(
                domain: "example.com", certificatePath: files.certificateChainPath, keyPath: other.privateKeyPath,
                configuration: configuration
            )
        } throws: { error in
            (error as? CertificateError)?.code == .keyMismatch
        }
        #expect(!CertificateDirectory(storage: configuration.storage).contains("example.com"))
    }

    @Test("Import refuses a certificate for another domain")
    func importRefusesOtherDomain() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        let files = try ConfigFixtures.writeCertificate(domain: "example.org", in: directory)
        #expect {
            try CertificateAdministration.importCertificate(
                domain: "example.com", certificatePath: files.certificateChainPath, keyPath: files.privateKeyPath,
                configuration: configuration
            )
        } throws: { error in
            (error as? CertificateError)?.code == .domainNotCovered
        }
    }

    @Test("Import refuses an expired certificate")
    func importRefusesExpired() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory, now: ConfigFixtures.twoYearsAgo)
        #expect {
            try CertificateAdministration.importCertificate(
                domain: "example.com", certificatePath: files.certificateChainPath, keyPath: files.privateKeyPath,
                configuration: configuration
            )
        } throws: { error in
            (error as? CertificateError)?.code == .expired
        }
    }

    @Test("Import refuses missing files with a sentence naming them")
    func importRefusesMissingFiles() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        let missing = directory.file("nothing.pem")
        #expect {
            try CertificateAdministration.importCertificate(
                domain: "example.com", certificatePath: missing, keyPath: missing, configuration: configuration
            )
        } throws: { error in
            (error as? CertificateError)?.description == "The certificate file '\(missing)' does not exist."
        }
    }

    @Test("Certificates are only managed for served domains")
    func unservedDomain() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        #expect {
            try CertificateAdministration.regenerate(domain: "example.org", configuration: configuration)
        } throws: { error in
            (error as? CertificateError)?.description
                == "The domain 'example.org' is not served by this configuration ('example.com'); add it to 'domains' first."
        }
        #expect(throws: CertificateError.self) { try CertificateAdministration.show(configuration: configuration, domain: "example.org") }
    }

    @Test("A domain that is not a valid JID domain cannot name a path")
    func invalidDomain() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory, domains: ["../escape"])
        #expect {
            try CertificateAdministration.regenerate(domain: "../escape", configuration: configuration)
        } throws: { error in
            (error as? CertificateError)?.description == "'../escape' is not a valid domain."
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("data/escape.crt")))
    }

    @Test("Regenerate replaces the certificate, imported ones included")
    func regenerateReplaces() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory)
        let imported = try CertificateAdministration.importCertificate(
            domain: "example.com", certificatePath: files.certificateChainPath, keyPath: files.privateKeyPath,
            configuration: configuration
        )
        let regenerated = try CertificateAdministration.regenerate(domain: "example.com", configuration: configuration)
        #expect(regenerated.source == .generated)
        #expect(regenerated.sha256Fingerprint != imported.sha256Fingerprint)
        let again = try CertificateAdministration.regenerate(domain: "example.com", configuration: configuration)
        #expect(again.sha256Fingerprint != regenerated.sha256Fingerprint)
    }

    @Test("Show reports a domain with no certificate yet, generating nothing")
    func showBeforeFirstStart() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        #expect(try CertificateAdministration.show(configuration: configuration) == [
            CertificateReport(domain: "example.com", summary: nil, problems: []),
        ])
        #expect(!CertificateDirectory(storage: configuration.storage).contains("example.com"))
    }

    @Test("Show reports configured certificates with their problems")
    func showConfigured() throws {
        let directory = try ConfigFixtures.Directory()
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory, now: ConfigFixtures.twoYearsAgo)
        let configuration = ConfigFixtures.configuration(in: directory, certificates: ["example.com": files])
        let report = try #require(try CertificateAdministration.show(configuration: configuration, domain: "example.com").first)
        #expect(report.summary?.source == .configured(files))
        #expect(report.problems.map(\.code) == [.expired])
    }
}
