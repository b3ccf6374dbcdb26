import Testing
import XMPPCore
import XMPPStreams
@testable import NeedletailServer

@Suite("Stanzas waiting for a server-to-server stream")
struct PendingStanzasTests {
    func message(_ body: String, type: MessageType = .chat) throws -> Stanza {
        .message(Message(type: type, id: body, to: try JID("romeo@montague.example"), from: try JID("juliet@capulet.example/balcony"), body: body))
    }

    @Test func stanzasLeaveInOrderOnceEstablished() throws {
        var pending = PendingStanzas()
        for body in ["one", "two", "three"] {
            #expect(pending.append(try message(body)) == nil)
        }
        #expect(pending.drain().map(\.id) == ["one", "two", "three"])
        #expect(pending.drain().isEmpty)
    }

    @Test func aFailedStreamBouncesEverythingButErrors() throws {
        var pending = PendingStanzas()
        _ = pending.append(try message("one"))
        _ = pending.append(try message("oops", type: .error))
        _ = pending.append(try message("two"))
        let bounced = pending.bounce(PendingStanzas.bounceError(for: .dialbackRefused(nil), timedOut: false))
        #expect(bounced.map(\.id) == ["one", "two"])
        #expect(bounced.allSatisfy { $0.isError && $0.toAttribute == "juliet@capulet.example/balcony" })
        guard case .message(let first)? = bounced.first else { return }
        #expect(first.error?.condition == .remoteServerNotFound)
        #expect(PendingStanzas.bounceError(for: nil, timedOut: true).condition == .remoteServerTimeout)
    }

    @Test func theQueueIsBounded() throws {
        var pending = PendingStanzas(capacity: 2)
        #expect(pending.append(try message("one")) == nil)
        #expect(pending.append(try message("two")) == nil)
        let refused = try #require(pending.append(try message("three")))
        guard case .message(let reply) = refused else { return }
        #expect(reply.error?.condition == .resourceConstraint)
        #expect(pending.stanzas.count == 2)
    }
}
