import Foundation
import Testing
import XMPPStreams
@testable import NeedletailServer

/// What `needletail check` prints under "Configuration OK".
@Suite("needletail check summary")
struct CLICheckSummaryTests {
    @Test("The summary names every setting")
    func summaryLines() throws {
        let directory = try ConfigFixtures.Directory()
        var configuration = ConfigFixtures.configuration(in: directory, domains: ["example.com", "example.org"])
        configuration.listeners.append(ListenerConfiguration(host: "127.0.0.1", port: 5300, tls: .trustedPlaintext))
        let regenerated = try CertificateAdministration.regenerate(domain: "example.org", configuration: configuration)
        let lines = ConfigurationSummary.lines(for: configuration, path: "/etc/needletail.toml")
        let data = directory.file("data")
        #expect(lines == [
            "  file: /etc/needletail.toml",
            "  domains: example.com, example.org",
            "  listener: c2s on [::]:5222, tls = starttls",
            "  listener: c2s on [::]:5223, tls = direct",
            "  listener: s2s on [::]:5269, tls = starttls",
            "  listener: c2s on 127.0.0.1:5300, tls = trusted-plaintext",
            "  certificate for example.com: none yet; a self-signed one will be generated on first start",
            "  certificate for example.org: generated, valid until \(regenerated.notValidAfter.formatted(.iso8601)) (\(data)/certificates/example.org.crt)",
            "  data directory: \(data) (database \(data)/needletail.sqlite)",
            "  limits: stanzas up to 262144 bytes, negotiation within 60 s, 20 resources per account, 100 connections per IP address, at most 4194304 bytes waiting for a client, 262144 bytes a second from a client",
            "  authentication: SCRAM-SHA-512-PLUS, SCRAM-SHA-256-PLUS, SCRAM-SHA-1-PLUS, SCRAM-SHA-512, SCRAM-SHA-256, SCRAM-SHA-1, PLAIN; 10000 iterations; 3 retries; failures answered after 250 ms, doubling up to 30000 ms",
            "  stream management: sessions resumable for 300 s, at most 5000 unacknowledged stanzas",
            "  federation: valid certificates or dialback",
            "  log level: info",
        ])
    }

    @Test("Without a file the summary says the defaults apply")
    func defaultsSummary() throws {
        let directory = try ConfigFixtures.Directory()
        let lines = ConfigurationSummary.lines(for: ConfigFixtures.configuration(in: directory), path: nil)
        #expect(lines.first == "  file: none; the built-in defaults apply")
    }

    @Test("An expired generated certificate is summarized as one to generate again")
    func expiredGenerated() throws {
        let directory = try ConfigFixtures.Directory()
        let configuration = ConfigFixtures.configuration(in: directory)
        let old = try CertificateAdministration.regenerate(domain: "example.com", configuration: configuration, now: ConfigFixtures.twoYearsAgo)
        let lines = ConfigurationSummary.lines(for: configuration, path: nil)
        #expect(lines.contains("  certificate for example.com: generated, expired on \(old.notValidAfter.formatted(.iso8601)); a new one will be generated on start"))
    }

    @Test("Problems print as their message")
    func problemDescription() {
        let problem = ConfigProblem(key: "log_level", message: "Key 'log_level' is 'loud', which is not a log level; use 'info'.")
        #expect(problem.description == problem.message)
        #expect(String(describing: CertificateError(.expired, "the certificate in 'a.pem' expired on 2020-01-01T00:00:00Z"))
            == "The certificate in 'a.pem' expired on 2020-01-01T00:00:00Z.")
    }
}
