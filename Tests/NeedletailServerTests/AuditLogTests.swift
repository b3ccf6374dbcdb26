import Logging
import Synchronization
import Testing
import XMPPClient
import XMPPCore
@testable import NeedletailServer

/// The audit log: structured lines for authentications and account changes.
@Suite("Audit log", .serialized)
struct AuditLogTests {
    /// Keeps every line logged through it.
    final class Capture: Sendable {
        let lines = Mutex<[(message: String, metadata: Logger.Metadata)]>([])

        var logger: Logger {
            Logger(label: AuditLog.label) { _ in Handler(capture: self) }
        }

        func events() -> [String] {
            lines.withLock { $0.compactMap { $0.metadata["event"]?.description } }
        }

        func metadata(of event: String) -> Logger.Metadata? {
            lines.withLock { $0.first { $0.metadata["event"]?.description == event }?.metadata }
        }

        struct Handler: LogHandler {
            let capture: Capture
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .trace
            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }
            func log(event: LogEvent) {
                capture.lines.withLock { $0.append((event.message.description, metadata.merging(event.metadata ?? [:]) { $1 })) }
            }
        }
    }

    @Test func authenticationsAreAuditedWithTheClientsAddress() async throws {
        let capture = Capture()
        let server = try await TestServer(accounts: ["juliet@example.com"], audit: AuditLog(capture.logger))
        let wrong = try server.client("juliet@example.com", password: "not it")
        _ = try? await wrong.connect()
        let juliet = try await server.connected("juliet@example.com/balcony")
        #expect(capture.events().contains("auth.failure"))
        #expect(capture.metadata(of: "auth.failure")?["ip"]?.description == "127.0.0.1")
        let success = try #require(capture.metadata(of: "auth.success"))
        #expect(success["xmpp.jid"]?.description == "juliet@example.com")
        #expect(success["ip"]?.description == "127.0.0.1")
        await juliet.close()
        await server.stop()
    }

    @Test func accountChangesNameWhoMadeThem() async throws {
        let capture = Capture()
        let server = try await TestServer()
        let administration = AccountAdministration(
            store: server.server.accounts, domains: server.domains, iterations: 4096, audit: AuditLog(capture.logger),
            actor: .commandLine)
        try await administration.add("nurse@example.com", password: "secret")
        try await administration.changePassword("nurse@example.com", password: "other")
        try await administration.delete("nurse@example.com")
        #expect(capture.events() == ["account.create", "account.password", "account.delete"])
        #expect(capture.metadata(of: "account.delete")?["actor"]?.description == "command-line")
        #expect(capture.metadata(of: "account.create")?["xmpp.jid"]?.description == "nurse@example.com")
        // Nothing is written when auditing is off.
        let silent = AccountAdministration(store: server.server.accounts, domains: server.domains, iterations: 4096)
        try await silent.add("paris@example.net", password: "secret")
        #expect(capture.events().count == 3)
        await server.stop()
    }
}
