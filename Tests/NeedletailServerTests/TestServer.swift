import Foundation
import Logging
import NIOCore
import NeedletailServer
import XMPPClient
import XMPPCore
import XMPPStreams

/// A real server in this process on free loopback ports, with its own data
/// directory, generated certificates and accounts: what the end-to-end tests talk to.
final class TestServer: Sendable {
    let server: NeedletailServer
    let dataDirectory: String
    let startTLSPort: Int
    let directTLSPort: Int
    /// The port of every listener, in configuration order (those `configure` adds follow the two TLS ones).
    let ports: [Int]
    let domains: [String]

    static let password = "r0m30myr0m30"

    init(
        domains: [String] = ["example.com", "example.net"], accounts: [String] = [], maxResources: Int = 20,
        audit: AuditLog? = nil, logger given: Logger? = nil, configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("needletail-e2e-\(UUID().uuidString)").path
        var configuration = ServerConfiguration(
            domains: domains,
            listeners: [
                ListenerConfiguration(host: "127.0.0.1", port: 0, tls: .required),
                ListenerConfiguration(host: "127.0.0.1", port: 0, tls: .direct),
            ],
            storage: StorageConfiguration(dataDirectory: directory),
            authentication: AuthenticationConfiguration(iterations: 4096),
            logLevel: .warning)
        configuration.limits.maxResourcesPerAccount = maxResources
        // Failed logins are answered at once unless a test is about the delay.
        configuration.authentication.failureDelayMilliseconds = 0
        configure(&configuration)
        var logger = given ?? Logger(label: "needletail.test")
        if given == nil { logger.logLevel = .warning }
        let certificates = try DomainCertificateStore(configuration: configuration, logger: logger)
        let server = try NeedletailServer(configuration: configuration, logger: logger, tls: certificates, audit: audit)
        let addresses = try await server.start()
        self.server = server
        self.dataDirectory = directory
        self.domains = domains
        self.startTLSPort = addresses[0].port ?? 0
        self.directTLSPort = addresses[1].port ?? 0
        self.ports = addresses.map { $0.port ?? 0 }
        let administration = AccountAdministration(store: server.accounts, domains: domains, iterations: 4096)
        for account in accounts {
            _ = try await administration.add(account, password: Self.password)
        }
    }

    /// A client for `jid`, trusting the server's self-signed certificate.
    func client(
        _ jid: String, password: String = TestServer.password, tls: XMPPClient.TLSMode = .startTLS,
        mechanisms: [SASLMechanism] = SASLMechanism.allCases, streamManagement: XMPPClient.StreamManagement = .off,
        resuming: XMPPClient.ResumableSession? = nil
    ) throws -> XMPPClient {
        XMPPClient(configuration: .init(
            jid: try JID(jid), password: password, host: "127.0.0.1",
            port: tls == .directTLS ? directTLSPort : startTLSPort, tls: tls,
            certificateVerification: .noVerification, allowedMechanisms: mechanisms,
            timeouts: .init(connect: .seconds(5), negotiation: .seconds(10), close: .seconds(1), request: .seconds(5)),
            streamManagement: streamManagement, resuming: resuming))
    }

    /// A connected client.
    func connected(_ jid: String, tls: XMPPClient.TLSMode = .startTLS, mechanisms: [SASLMechanism] = SASLMechanism.allCases) async throws -> XMPPClient {
        let client = try client(jid, tls: tls, mechanisms: mechanisms)
        try await client.connect()
        return client
    }

    func stop() async {
        await server.shutdown()
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }
}

extension AsyncStream where Element == Stanza {
    /// The next stanza, or nil after `timeout`.
    func next(within timeout: Duration = .seconds(5)) async -> Stanza? {
        await withTaskGroup(of: Stanza?.self) { group in
            group.addTask {
                var iterator = self.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
