import Foundation
import Testing
@testable import NeedletailServer

/// Helpers for the configuration, certificate, TLS and account tests; kept in
/// one namespace so they cannot clash with other suites' helpers in this target.
enum ConfigFixtures {
    /// A directory under the system's temporary directory, removed with the value.
    final class Directory: Sendable {
        let path: String

        init() throws {
            path = NSTemporaryDirectory() + "needletail-config-tests-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }

        deinit {
            try? FileManager.default.removeItem(atPath: path)
        }

        /// The path of `name` inside the directory.
        func file(_ name: String) -> String {
            "\(path)/\(name)"
        }

        /// Writes `text` to `name` and returns its path.
        @discardableResult
        func write(_ name: String, _ text: String) throws -> String {
            let path = file(name)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    /// A certificate and key for `domain` made with the server's own generator,
    /// written to `directory` as `<name>.crt` and `<name>.key`. `foreign` leaves
    /// out the generated marker, as a certificate from a CA would.
    static func writeCertificate(
        domain: String,
        in directory: Directory,
        name: String? = nil,
        now: Date = Date(),
        foreign: Bool = true
    ) throws -> CertificateFiles {
        let (certificate, key) = try SelfSignedCertificate.generate(
            domain: domain,
            now: now,
            organizationName: foreign ? "Example CA customer" : SelfSignedCertificate.organizationName
        )
        let name = name ?? domain
        return CertificateFiles(
            certificateChainPath: try directory.write("\(name).crt", certificate),
            privateKeyPath: try directory.write("\(name).key", key)
        )
    }

    /// Two years ago: certificates made then have expired.
    static var twoYearsAgo: Date { Date().addingTimeInterval(-2 * 365 * 24 * 60 * 60) }

    /// A configuration whose data directory is inside `directory`.
    static func configuration(
        in directory: Directory,
        domains: [String] = ["example.com"],
        certificates: [String: CertificateFiles] = [:]
    ) -> ServerConfiguration {
        ServerConfiguration(
            domains: domains,
            tls: TLSConfiguration(certificates: certificates),
            storage: StorageConfiguration(dataDirectory: directory.file("data"))
        )
    }
}

@Suite("Configuration test fixtures")
struct ConfigFixturesTests {
    @Test("A temporary directory is removed with its value")
    func temporaryDirectoryIsRemoved() throws {
        var directory: ConfigFixtures.Directory? = try ConfigFixtures.Directory()
        let path = try #require(directory?.path)
        try directory?.write("file", "text")
        #expect(FileManager.default.fileExists(atPath: path))
        directory = nil
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
