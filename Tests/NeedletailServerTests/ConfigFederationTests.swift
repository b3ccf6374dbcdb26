import Foundation
import Testing
import XMPPStreams
@testable import NeedletailServer

/// The `[federation]` table and s2s listeners.
@Suite("Configuration: federation")
struct ConfigFederationTests {
    @Test func everyFederationKeyIsRead() throws {
        let result = ServerConfiguration.decode(toml: """
            [[listeners]]
            kind = "s2s"
            host = "127.0.0.1"
            [[listeners]]
            kind = "s2s"
            tls = "direct"
            [federation]
            enabled = true
            require_valid_certificates = true
            allowed_domains = ["Prosody.Example", "ejabberd.example"]
            denied_domains = ["spam.example"]
            idle_timeout_seconds = 120
            connect_timeout_seconds = 10
            dialback_secret = "s3cret"
            max_stanza_bytes = 100000
            [federation.routes]
            "prosody.example" = "127.0.0.3:5269"
            "v6.example" = "[::1]:5270"
            "direct.example" = "tls://10.0.0.1:5270"
            """)
        #expect(result.problems.isEmpty)
        let configuration = result.configuration
        #expect(configuration.listeners == [
            ListenerConfiguration(kind: .s2s, host: "127.0.0.1", port: 5269, tls: .required),
            ListenerConfiguration(kind: .s2s, host: "::", port: 5270, tls: .direct),
        ])
        let federation = configuration.federation
        #expect(federation.requiresValidCertificates)
        #expect(federation.allowedDomains == ["prosody.example", "ejabberd.example"])
        #expect(federation.deniedDomains == ["spam.example"])
        #expect(federation.idleTimeoutSeconds == 120)
        #expect(federation.connectTimeoutSeconds == 10)
        #expect(federation.dialbackSecret == "s3cret")
        #expect(federation.maxStanzaBytes == 100_000)
        #expect(federation.routes["prosody.example"] == StaticRoute(host: "127.0.0.3", port: 5269))
        #expect(federation.routes["v6.example"] == StaticRoute(host: "::1", port: 5270))
        #expect(federation.routes["direct.example"] == StaticRoute(host: "10.0.0.1", port: 5270, directTLS: true))
        #expect(federation.policy.allows("prosody.example"))
        #expect(!federation.policy.allows("spam.example"))
        #expect(!federation.policy.allows("elsewhere.example"))
    }

    @Test func aRouteThatIsNotAnAddressIsAProblem() {
        let result = ServerConfiguration.decode(toml: """
            [federation.routes]
            "prosody.example" = "prosody.example"
            """)
        #expect(result.problems.map(\.key) == [#"federation.routes."prosody.example""#])
    }

    @Test func anUnknownFederationKeyIsAProblem() {
        let result = ServerConfiguration.decode(toml: """
            [federation]
            requires_valid_certificates = true
            """)
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.message.contains("require_valid_certificates") == true)
    }

    @Test func federationValuesAreValidated() {
        var configuration = ServerConfiguration(domains: ["example.com"])
        configuration.federation.trustedCAFile = "/nonexistent/ca.pem"
        configuration.federation.idleTimeoutSeconds = 0
        configuration.federation.maxStanzaBytes = 100
        configuration.federation.routes["example.com"] = StaticRoute(host: "127.0.0.1", port: 5269)
        configuration.federation.dialbackSecret = ""
        let keys = configuration.validate().map(\.key)
        #expect(keys.contains("federation.trusted_ca_file"))
        #expect(keys.contains("federation.idle_timeout_seconds"))
        #expect(keys.contains("federation.max_stanza_bytes"))
        #expect(keys.contains("federation.routes"))
        #expect(keys.contains("federation.dialback_secret"))
    }
}
