import Testing
import XMPPClient
import XMPPCore
@testable import NeedletailServer

/// A session that ended is gone from memory: nothing the server keeps (the
/// registry, modules, timers, tasks) still holds it, so connecting and
/// disconnecting clients does not grow the server.
@Suite("Session lifetime", .serialized)
struct SessionLifetimeTests {
    final class Weak: @unchecked Sendable {
        weak var session: ClientSession?
        init(_ session: ClientSession?) { self.session = session }
    }

    @Test(arguments: [XMPPClient.StreamManagement.off, .resumable])
    func endedSessionsAreFreed(streamManagement: XMPPClient.StreamManagement) async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        try await server.befriend("juliet@example.com", "romeo@example.net")
        var handles: [Weak] = []
        for round in 0..<20 {
            let client = try server.client("juliet@example.com/r\(round)", streamManagement: streamManagement)
            try await client.connect()
            let online = Online(client: client, inbox: Inbox(client))
            try await online.roster()
            try await online.available()
            handles.append(Weak(server.server.registry.session(for: try JID("juliet@example.com/r\(round)"))))
            await client.close()
        }
        for _ in 0..<100 where handles.contains(where: { $0.session != nil }) {
            try await Task.sleep(for: .milliseconds(50))
        }
        let alive = handles.filter { $0.session != nil }.count
        #expect(alive == 0, "\(alive) of \(handles.count) ended sessions are still in memory")
        await server.stop()
    }
}
