import Foundation
import Logging
import Testing
import XMPPStreams
@testable import NeedletailServer

/// Self-signed certificates: generated on first start into the data
/// directory, reused afterwards, generated again when expired or damaged.
@Suite("Certificate generation")
struct CertificateGenerationTests {
    static let logger = Logger(label: "needletail.tests.tls")

    static func store(_ configuration: ServerConfiguration, now: Date = Date()) throws -> DomainCertificateStore {
        try DomainCertificateStore(configuration: configuration, logger: logger, now: now)
    }

    /// The DER bytes of the first certificate of a PEM file.
    static func leafDER(_ path: String) throws -> [UInt8] {
        let pem = try String(contentsOfFile: path, encoding: .utf8)
        let body = pem.split(separator: "\n").drop { !$0.hasPrefix("-----BEGIN CERTIFICATE") }.dropFirst()
            .prefix { !$0.hasPrefix("-----END") }.joined()
        return Array(try #require(Data(base64Encoded: body)))
    }

    @Test("First start generates an ECDSA P-256 certificate for the domain alone")
    func generatesOnFirstStart() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        let now = Date()
        let certificate = try #require(try Self.store(configuration, now: now).certificate(for: "example.com"))
        let summary = certificate.summary
        #expect(certificate.source == .generated)
        #expect(summary.subjectAlternativeNames == ["example.com"])
        #expect(summary.subject.contains("CN=example.com"))
        #expect(summary.issuer == summary.subject)
        #expect(summary.signatureAlgorithm == "ecdsaWithSHA256")
        #expect(summary.keyUsages == ["digitalSignature", "serverAuth", "clientAuth"])
        #expect(!summary.isCertificateAuthority)
        #expect(summary.chainLength == 1)
        #expect(summary.notValidAfter.timeIntervalSince(now) > 364 * 86_400)
        #expect(summary.notValidAfter.timeIntervalSince(now) <= 365 * 86_400 + 1)
        #expect(summary.notValidBefore <= now)
        let files = CertificateDirectory(storage: configuration.storage).files(for: "example.com")
        #expect(summary.files == files)
        let key = try String(contentsOfFile: files.privateKeyPath, encoding: .utf8)
        #expect(key.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }

    @Test("The key file is readable by its owner only")
    func keyFileMode() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        _ = try Self.store(configuration)
        let files = CertificateDirectory(storage: configuration.storage).files(for: "example.com")
        let attributes = try FileManager.default.attributesOfItem(atPath: files.privateKeyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: CertificateDirectory(storage: configuration.storage).path)
        #expect((folder[.posixPermissions] as? NSNumber)?.intValue == 0o700)
    }

    @Test("The channel binding is the SHA-256 of the leaf (RFC 5929 §4.1)")
    func channelBinding() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        let store = try Self.store(configuration)
        let files = CertificateDirectory(storage: configuration.storage).files(for: "example.com")
        let expected = try ChannelBinding.tlsServerEndPoint(certificateDER: Self.leafDER(files.certificateChainPath))
        #expect(store.channelBinding(for: "example.com") == expected)
        #expect(store.channelBindings == ["example.com": expected])
        #expect(expected.data.count == 32)
        let fingerprint = expected.data.map { String(format: "%02X", $0) }.joined(separator: ":")
        #expect(store.certificate(for: "example.com")?.summary.sha256Fingerprint == fingerprint)
    }

    @Test("Later starts reuse the generated certificate")
    func reused() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        let first = try Self.store(configuration).certificate(for: "example.com")?.summary
        let second = try Self.store(configuration).certificate(for: "example.com")?.summary
        #expect(first != nil)
        #expect(first == second)
    }

    @Test("An expired generated certificate is generated again")
    func regeneratedWhenExpired() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        let old = try #require(try Self.store(configuration, now: ConfigFixtures.twoYearsAgo).certificate(for: "example.com"))
        let new = try #require(try Self.store(configuration).certificate(for: "example.com"))
        #expect(new.summary.sha256Fingerprint != old.summary.sha256Fingerprint)
        #expect(new.source == .generated)
        #expect(!new.summary.isExpired(at: Date()))
    }

    @Test("A generated certificate whose key file is damaged is generated again")
    func regeneratedWhenDamaged() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        let old = try #require(try Self.store(configuration).certificate(for: "example.com"))
        try "damaged".write(toFile: old.summary.files.privateKeyPath, atomically: true, encoding: .utf8)
        let new = try #require(try Self.store(configuration).certificate(for: "example.com"))
        #expect(new.summary.sha256Fingerprint != old.summary.sha256Fingerprint)
    }

    @Test("Configured files take precedence over the data directory")
    func configuredPrecedence() throws {
        let directory = try ConfigFixtures.Directory()
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory)
        let configuration = ConfigFixtures.configuration(in: directory, certificates: ["example.com": files])
        let certificate = try #require(try Self.store(configuration).certificate(for: "example.com"))
        #expect(certificate.source == .configured(files))
        #expect(!CertificateDirectory(storage: configuration.storage).contains("example.com"))
    }

    @Test("A configured certificate with a problem stops the start with its sentence")
    func configuredProblemThrows() throws {
        let directory = try ConfigFixtures.Directory()
        let files = try ConfigFixtures.writeCertificate(domain: "example.org", in: directory)
        let configuration = ConfigFixtures.configuration(in: directory, certificates: ["example.com": files])
        #expect { try Self.store(configuration) } throws: { error in
            let error = error as? CertificateError
            return error?.code == .domainNotCovered
                && error?.description == "The certificate in '\(files.certificateChainPath)' does not cover 'example.com': it is issued for 'example.org'."
        }
    }

    @Test("An imported certificate that expired is not replaced; the start stops")
    func importedExpiredThrows() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        let files = try ConfigFixtures.writeCertificate(domain: "example.com", in: directory)
        _ = try CertificateAdministration.importCertificate(
            domain: "example.com", certificatePath: files.certificateChainPath, keyPath: files.privateKeyPath,
            configuration: configuration
        )
        #expect(try Self.store(configuration).certificate(for: "example.com")?.source == .imported)
        let later = Date().addingTimeInterval(2 * 365 * 86_400)
        #expect { try Self.store(configuration, now: later) } throws: { error in
            (error as? CertificateError)?.code == .expired
        }
    }

    @Test("Every domain gets its own certificate")
    func severalDomains() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory, domains: ["example.com", "example.org"])
        let store = try Self.store(configuration)
        #expect(store.defaultDomain == "example.com")
        #expect(store.certificate(for: "example.org")?.summary.subjectAlternativeNames == ["example.org"])
        #expect(store.certificate(for: "example.com")?.summary.subjectAlternativeNames == ["example.com"])
        #expect(store.certificate(for: "example.net") == nil)
    }

    @Test("An internationalized domain cannot get a generated certificate")
    func internationalizedDomain() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory, domains: ["bücher.example"])
        #expect { try Self.store(configuration) } throws: { error in
            (error as? CertificateError)?.code == .unsupportedDomain
        }
    }

    @Test("Certificate names match exactly or by a one-label wildcard", arguments: [
        ("example.com", "example.com", true), ("EXAMPLE.com.", "example.com", true), ("*.example.com", "a.example.com", true),
        ("*.example.com", "example.com", false), ("*.example.com", "a.b.example.com", false), ("example.org", "example.com", false),
    ])
    func nameMatching(pattern: String, domain: String, matches: Bool) {
        #expect(CertificateNames.matches(pattern, domain: domain) == matches)
    }
}
