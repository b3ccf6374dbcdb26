import Foundation
import Logging
import Testing
import XMPPStreams
@testable import NeedletailServer

/// Reading TOML into a `ServerConfiguration`: defaults, every key, and the
/// sentence of every problem the decoder reports.
@Suite("Configuration decoding")
struct ConfigDecodingTests {
    static func decode(_ toml: String) -> ConfigurationLoadResult {
        ServerConfiguration.decode(toml: toml)
    }

    @Test("An empty document gives the defaults of ServerConfiguration")
    func emptyDocumentGivesDefaults() {
        let result = Self.decode("")
        #expect(result.problems.isEmpty)
        #expect(result.configuration == ServerConfiguration())
    }

    @Test("The defaults are localhost, c2s on 5222 and 5223, s2s on 5269, ./data, info, 10000 iterations")
    func defaults() {
        let configuration = ServerConfiguration()
        #expect(configuration.domains == ["localhost"])
        #expect(configuration.listeners == [
            ListenerConfiguration(kind: .c2s, host: "::", port: 5222, tls: .required),
            ListenerConfiguration(kind: .c2s, host: "::", port: 5223, tls: .direct),
            ListenerConfiguration(kind: .s2s, host: "::", port: 5269, tls: .required),
        ])
        #expect(configuration.federation == FederationConfiguration())
        #expect(configuration.federation.isEnabled)
        #expect(!configuration.federation.requiresValidCertificates)
        #expect(configuration.storage.dataDirectory == "./data")
        #expect(configuration.logLevel == .info)
        #expect(configuration.authentication.iterations == 10_000)
        #expect(configuration.authentication.maxRetries == 3)
        #expect(configuration.authentication.mechanisms == SASLMechanism.allCases)
        #expect(configuration.limits == LimitsConfiguration(maxStanzaBytes: 262_144, negotiationTimeoutSeconds: 60, maxResourcesPerAccount: 20))
    }

    @Test("Every key is read")
    func everyKey() throws {
        let result = Self.decode("""
            domains = ["example.com", "Example.ORG"]
            log_level = "debug"

            [[listeners]]
            kind = "c2s"
            host = "127.0.0.1"
            port = 15222
            tls = "trusted-plaintext"

            [[listeners]]
            port = 15223
            tls = "direct"

            [[listeners]]
            tls = "starttls-optional"

            [[listeners]]
            host = "0.0.0.0"

            [tls.certificates."example.com"]
            certificate = "/etc/certs/example.com.pem"
            key = "/etc/certs/example.com.key"

            [storage]
            data_directory = "/var/lib/needletail"

            [limits]
            max_stanza_bytes = 65536
            negotiation_timeout_seconds = 30
            max_resources_per_account = 5
            max_connections_per_ip = 0
            max_outgoing_buffer_bytes = 131072

            [authentication]
            mechanisms = ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]
            iterations = 20000
            max_retries = 4
            failure_delay_ms = 100
            max_failure_delay_ms = 5000
            """)
        #expect(result.problems == [])
        let configuration = result.configuration
        #expect(configuration.domains == ["example.com", "example.org"])
        #expect(configuration.logLevel == .debug)
        #expect(configuration.listeners == [
            ListenerConfiguration(kind: .c2s, host: "127.0.0.1", port: 15222, tls: .trustedPlaintext),
            ListenerConfiguration(kind: .c2s, host: "::", port: 15223, tls: .direct),
            ListenerConfiguration(kind: .c2s, host: "::", port: 5222, tls: .optional),
            ListenerConfiguration(kind: .c2s, host: "0.0.0.0", port: 5222, tls: .required),
        ])
        #expect(configuration.tls.certificates == [
            "example.com": CertificateFiles(certificateChainPath: "/etc/certs/example.com.pem", privateKeyPath: "/etc/certs/example.com.key"),
        ])
        #expect(configuration.storage.dataDirectory == "/var/lib/needletail")
        #expect(configuration.storage.databasePath == "/var/lib/needletail/needletail.sqlite")
        #expect(configuration.limits == LimitsConfiguration(
            maxStanzaBytes: 65536, negotiationTimeoutSeconds: 30, maxResourcesPerAccount: 5, maxConnectionsPerAddress: 0,
            maxOutgoingBufferBytes: 131_072))
        #expect(configuration.authentication == AuthenticationConfiguration(
            mechanisms: [.scramSHA256Plus, .scramSHA256], iterations: 20000, maxRetries: 4,
            failureDelayMilliseconds: 100, maxFailureDelayMilliseconds: 5000))
    }

    @Test("A direct TLS listener without a port gets 5223")
    func directListenerDefaultPort() {
        let result = Self.decode("[[listeners]]\ntls = \"direct\"")
        #expect(result.configuration.listeners == [ListenerConfiguration(port: 5223, tls: .direct)])
    }

    @Test("Certificate domains are normalized like the domains they serve")
    func certificateDomainNormalized() {
        let result = Self.decode("""
            [tls.certificates."Example.COM"]
            certificate = "a.pem"
            key = "a.key"
            """)
        #expect(result.problems.isEmpty)
        #expect(Array(result.configuration.tls.certificates.keys) == ["example.com"])
    }

    @Test("The example file documents exactly the defaults")
    func exampleFileDocumentsDefaults() throws {
        let text = try String(contentsOfFile: Self.exampleFilePath, encoding: .utf8)
        // As shipped, every key is commented out: the defaults.
        let shipped = Self.decode(text)
        #expect(shipped.problems.isEmpty)
        #expect(shipped.configuration == ServerConfiguration())
        // With every commented key and table uncommented, still the defaults,
        // except for the example certificate table and the federation keys that have no default.
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            let isSetting = line.range(of: #"^# (\[|[a-z_]+ = )"#, options: .regularExpression) != nil
            return isSetting ? line.dropFirst(2) : line
        }.joined(separator: "\n")
        let everything = Self.decode(uncommented)
        #expect(everything.problems.isEmpty)
        var expected = ServerConfiguration()
        expected.tls.certificates["example.com"] = CertificateFiles(
            certificateChainPath: "/etc/letsencrypt/live/example.com/fullchain.pem",
            privateKeyPath: "/etc/letsencrypt/live/example.com/privkey.pem"
        )
        expected.federation.trustedCAFile = "/etc/needletail/federation-ca.pem"
        expected.federation.allowedDomains = ["example.org"]
        expected.federation.dialbackSecret = "a long random string"
        #expect(everything.configuration == expected)
    }

    static var exampleFilePath: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("needletail.example.toml").path
    }
}
