import Synchronization
import Testing
import XMPPClient
import XMPPCore
import XMPPStreams
@testable import NeedletailServer

/// XEP-0198 §5 end to end with `XMPPClient`: a connection dropped in the middle
/// of a burst, a resumption, and every stanza exactly once, in order, in
/// either direction; contacts never see the session go. A session not resumed
/// in time ends, and what its client had not acknowledged is stored offline.
@Suite("XEP-0198 stream management: resumption", .serialized)
struct StreamResumptionTests {
    static let count = 1000

    /// Message bodies received, across the clients of one session.
    final class Bodies: Sendable {
        private let list = Mutex<[String]>([])
        var all: [String] { list.withLock { $0 } }

        /// Reads message bodies from `client` until its stream ends or `done` holds.
        func read(_ client: XMPPClient, until done: @escaping @Sendable (Int) -> Bool) async {
            for await stanza in client.incoming {
                guard case .message(let message) = stanza, let body = message.body else { continue }
                let total = list.withLock { $0.append(body); return $0.count }
                if done(total) { return }
            }
        }
    }

    @Test func aReceiverDroppedMidBurstResumesAndGetsEveryMessageOnceInOrder() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net", "nurse@example.com"])
        try await server.befriend("juliet@example.com", "nurse@example.com")
        let nurse = try await Online.connect(server, "nurse@example.com")
        try await nurse.available()
        let juliet = try server.client("juliet@example.com/balcony", streamManagement: .resumable)
        try await juliet.connect()
        try await juliet.send(Presence())
        _ = await nurse.inbox.presence { $0.fromAttribute == "juliet@example.com/balcony" }

        let romeo = try await server.connected("romeo@example.net")
        let sender = Task {
            for index in 0..<Self.count {
                try await romeo.send(Message(type: .chat, to: try JID("juliet@example.com/balcony"), body: "m\(index)"))
            }
        }
        let received = Bodies()
        // Drop the connection a third of the way through; what was already read still comes out.
        let dropped = Atomic(false)
        await received.read(juliet) { total in
            if total == Self.count / 3, !dropped.exchange(true, ordering: .relaxed) {
                Task { await juliet.disconnectAbruptly() }
            }
            return false
        }
        let session = try #require(juliet.resumableSession)
        let resumed = try server.client("juliet@example.com/balcony", streamManagement: .resumable, resuming: session)
        try await resumed.connect()
        #expect(resumed.wasResumed)
        #expect(resumed.boundJID?.description == "juliet@example.com/balcony")
        let reader = Task { await received.read(resumed) { $0 >= Self.count } }
        try await sender.value
        try await withTimeout(.seconds(30)) { await reader.value }

        let bodies = received.all
        #expect(bodies.count == Self.count)
        #expect(bodies == (0..<Self.count).map { "m\($0)" }, "every message exactly once, in order")
        // No presence flapping: the nurse never saw Juliet go.
        let flap = await nurse.inbox.presence(within: .milliseconds(300)) {
            $0.type == .unavailable && $0.fromAttribute == "juliet@example.com/balcony"
        }
        #expect(flap == nil)
        #expect(server.server.registry.sessions(of: try JID("juliet@example.com")).count == 1)
        await resumed.close()
        await romeo.close()
        await nurse.close()
        await server.stop()
    }

    @Test func aSenderDroppedMidBurstResendsWhatTheServerDidNotHandleAndNothingTwice() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        let juliet = try await server.connected("juliet@example.com/balcony")
        let romeo = try server.client("romeo@example.net/orchard", streamManagement: .resumable)
        try await romeo.connect()
        let received = Bodies()
        let reader = Task { await received.read(juliet) { $0 >= Self.count } }
        let half = Self.count / 2
        for index in 0..<half {
            try await romeo.send(Message(type: .chat, to: try JID("juliet@example.com/balcony"), body: "m\(index)"))
        }
        await romeo.disconnectAbruptly()
        let session = try #require(romeo.resumableSession)
        let resumed = try server.client("romeo@example.net/orchard", streamManagement: .resumable, resuming: session)
        try await resumed.connect()
        #expect(resumed.wasResumed)
        for index in half..<Self.count {
            try await resumed.send(Message(type: .chat, to: try JID("juliet@example.com/balcony"), body: "m\(index)"))
        }
        try await withTimeout(.seconds(30)) { await reader.value }
        #expect(received.all == (0..<Self.count).map { "m\($0)" }, "every message exactly once, in order")
        await resumed.close()
        await juliet.close()
        await server.stop()
    }

    @Test func resumingWhileTheOldConnectionIsStillOpenClosesItWithConflict() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"])
        let first = try server.client("juliet@example.com/balcony", streamManagement: .resumable)
        try await first.connect()
        // What a client has after a network change it noticed before the server did.
        let stale = try #require(await Self.resumableSnapshot(of: first, server: server))
        let second = try server.client("juliet@example.com/balcony", streamManagement: .resumable, resuming: stale)
        try await second.connect()
        #expect(second.wasResumed)
        for await _ in first.incoming {}
        #expect(first.terminationError?.streamError?.condition == .conflict)
        let pong = try await second.iq(IQ(type: .get, id: "", payload: XMPPElement("ping", namespace: Namespace.ping)))
        #expect(pong.type == .result)
        await second.close()
        await server.stop()
    }

    @Test func aSessionNotResumedInTimeEndsAndItsUnacknowledgedMessagesAreStoredOffline() async throws {
        let (server, port) = try await streamManagementServer(accounts: ["juliet@example.com", "romeo@example.net", "nurse@example.com"]) {
            $0.modules.streamManagement.resumeTimeoutSeconds = 1
        }
        try await server.befriend("juliet@example.com", "nurse@example.com")
        let nurse = try await Online.connect(server, "nurse@example.com")
        try await nurse.available()
        // A raw client that enables resumption and never acknowledges anything.
        let (juliet, _) = try await RawStream.authenticated(port: port, as: "juliet")
        _ = try await juliet.bind("balcony")
        try await juliet.send("<enable xmlns='urn:xmpp:sm:3' resume='true'/><presence/>")
        _ = await juliet.nextStreamManagement(named: "enabled")
        _ = await nurse.inbox.presence { $0.fromAttribute == "juliet@example.com/balcony" && $0.type == .available }
        let romeo = try await server.connected("romeo@example.net")
        for index in 0..<20 {
            try await romeo.send(Message(type: .chat, to: try JID("juliet@example.com/balcony"), body: "kept \(index)"))
        }
        _ = await juliet.next { $0.name == "message" && $0.childText("body") == "kept 19" }
        await juliet.close()
        // While detached the session stays available: no unavailable yet.
        #expect(await nurse.inbox.presence(within: .milliseconds(300)) {
            $0.type == .unavailable && $0.fromAttribute == "juliet@example.com/balcony"
        } == nil)
        try await romeo.send(Message(type: .chat, to: try JID("juliet@example.com/balcony"), body: "while away"))
        // Then it expires: contacts see it go.
        let gone = await nurse.inbox.presence(within: .seconds(5)) {
            $0.type == .unavailable && $0.fromAttribute == "juliet@example.com/balcony"
        }
        #expect(gone?.fromAttribute == "juliet@example.com/balcony")

        let back = try await Online.connect(server, "juliet@example.com")
        try await back.client.send(Presence())
        var bodies: [String] = []
        while let message = await back.inbox.message(within: .seconds(3)) {
            bodies.append(message.body ?? "")
            if bodies.count == 21 { break }
        }
        #expect(bodies == (0..<20).map { "kept \($0)" } + ["while away"], "nothing lost, nothing twice")
        await back.close()
        await romeo.close()
        await nurse.close()
        await server.stop()
    }

    @Test func shutdownStoresWhatADetachedSessionsClientHadNotAcknowledged() async throws {
        let (server, port) = try await streamManagementServer(accounts: ["juliet@example.com", "romeo@example.net"])
        let (juliet, _) = try await RawStream.authenticated(port: port, as: "juliet")
        _ = try await juliet.bind("balcony")
        try await juliet.send("<enable xmlns='urn:xmpp:sm:3' resume='true'/><presence/>")
        _ = await juliet.nextStreamManagement(named: "enabled")
        let romeo = try await server.connected("romeo@example.net")
        for index in 0..<5 {
            try await romeo.send(Message(type: .chat, to: try JID("juliet@example.com/balcony"), body: "unacked \(index)"))
        }
        _ = await juliet.next { $0.name == "message" && $0.childText("body") == "unacked 4" }
        await juliet.close()
        await romeo.close()
        try await Task.sleep(for: .milliseconds(100))
        // Still detached and resumable when the server stops: storage keeps the five.
        await server.stop(keepingData: true)

        let restarted = try await TestServer(dataDirectory: server.dataDirectory)
        let back = try await Online.connect(restarted, "juliet@example.com")
        try await back.client.send(Presence())
        var bodies: [String] = []
        while bodies.count < 5, let message = await back.inbox.message(within: .seconds(3)) {
            bodies.append(message.body ?? "")
        }
        #expect(bodies == (0..<5).map { "unacked \($0)" })
        await back.close()
        await restarted.stop()
    }

    @Test(arguments: [(other: Int8(0), getsItAgain: true), (other: Int8(5), getsItAgain: false)])
    func aBareJIDMessageNotAcknowledgedGoesToTheOtherResourcesOnlyIfTheyDidNotHaveIt(other: Int8, getsItAgain: Bool) async throws {
        let (server, port) = try await streamManagementServer(accounts: ["juliet@example.com", "romeo@example.net"]) {
            $0.modules.streamManagement.resumeTimeoutSeconds = 1
        }
        // Juliet's phone: priority 5, resumable, never acknowledges.
        let (phone, _) = try await RawStream.authenticated(port: port, as: "juliet")
        _ = try await phone.bind("phone")
        try await phone.send("<enable xmlns='urn:xmpp:sm:3' resume='true'/><presence><priority>5</priority></presence>")
        _ = await phone.nextStreamManagement(named: "enabled")
        let laptop = try await Online.connect(server, "juliet@example.com/laptop")
        try await laptop.available(priority: other)
        let romeo = try await server.connected("romeo@example.net")
        try await romeo.send(Message(type: .chat, to: try JID("juliet@example.com"), body: "to the bare JID"))
        _ = await phone.next { $0.name == "message" && $0.childText("body") == "to the bare JID" }
        // RFC 6121 §8.5.2.1.1: the laptop got it too only if its priority is as high.
        let first = await laptop.inbox.message(within: .milliseconds(500)) { $0.body == "to the bare JID" }
        #expect((first != nil) == !getsItAgain)
        await phone.close()
        // The phone's session expires with the message unacknowledged.
        let again = await laptop.inbox.message(within: .seconds(4)) { $0.body == "to the bare JID" }
        #expect((again != nil) == getsItAgain, "once in all, on the laptop")
        await laptop.close()
        await romeo.close()
        await server.stop()
    }

    /// The resumption data of a client whose connection is still up: what it
    /// would hold had the network changed without either side noticing.
    static func resumableSnapshot(of client: XMPPClient, server: TestServer) async -> XMPPClient.ResumableSession? {
        guard let jid = client.boundJID,
              let session = server.server.registry.session(for: jid) else { return nil }
        let id = server.server.context.resumable.all().first { $0 === session }.flatMap { resumable in
            server.server.context.resumable.id(of: resumable)
        }
        guard let id else { return nil }
        return XMPPClient.ResumableSession(resumption: .init(id: id, jid: jid, handled: 0), queue: UnacknowledgedQueue())
    }
}

/// Runs `body`, failing the test when it takes longer than `limit`.
func withTimeout(_ limit: Duration, _ body: @escaping @Sendable () async -> Void) async throws {
    try await withThrowingTaskGroup(of: Bool.self) { group in
        group.addTask { await body(); return true }
        group.addTask { try await Task.sleep(for: limit); return false }
        let finished = try await group.next() ?? false
        group.cancelAll()
        #expect(finished, "timed out after \(limit)")
    }
}
