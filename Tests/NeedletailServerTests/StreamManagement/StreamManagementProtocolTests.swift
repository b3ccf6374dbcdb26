import Testing
import XMPPCore
import XMPPStreams
@testable import NeedletailServer

/// XEP-0198 on the wire, with raw streams: the feature, enabling, acks both
/// ways, and the errors the XEP names.
@Suite("XEP-0198 stream management: protocol")
struct StreamManagementProtocolTests {
    @Test func theFeatureIsOfferedOnlyAfterAuthentication() async throws {
        let (server, port) = try await streamManagementServer(accounts: ["juliet@example.com"])
        let (first, before) = try await RawStream.open(port: port)
        // XEP-0198 §2: MUST NOT be offered before authentication.
        #expect(before?.firstElement(named: "sm", namespace: Namespace.streamManagement) == nil)
        await first.close()
        let (stream, after) = try await RawStream.authenticated(port: port, as: "juliet")
        #expect(after?.firstElement(named: "sm", namespace: Namespace.streamManagement) != nil)
        await stream.close()
        await server.stop()
    }

    @Test func enablingBeforeBindingOrTwiceFailsWithUnexpectedRequest() async throws {
        let (server, port) = try await streamManagementServer(accounts: ["juliet@example.com"])
        let (stream, _) = try await RawStream.authenticated(port: port, as: "juliet")
        try await stream.send("<enable xmlns='urn:xmpp:sm:3'/>")
        let early = await stream.nextStreamManagement(named: "failed")
        #expect(early?.firstElement(named: "unexpected-request", namespace: Namespace.stanzaErrors) != nil)
        // The stream goes on: binding still works.
        #expect(try await stream.bind("balcony") == "juliet@example.com/balcony")
        try await stream.send("<enable xmlns='urn:xmpp:sm:3'/>")
        let enabled = await stream.nextStreamManagement(named: "enabled")
        #expect(enabled != nil)
        #expect(enabled?[attribute: "resume"] == nil, "resumption was not asked for")
        try await stream.send("<enable xmlns='urn:xmpp:sm:3' resume='true'/>")
        let twice = await stream.nextStreamManagement(named: "failed")
        #expect(twice?.firstElement(named: "unexpected-request", namespace: Namespace.stanzaErrors) != nil)
        await stream.close()
        await server.stop()
    }

    @Test func theServerCountsHandledStanzasAndAcksEveryRequest() async throws {
        let (server, port) = try await streamManagementServer(accounts: ["juliet@example.com"])
        let (stream, _) = try await RawStream.authenticated(port: port, as: "juliet")
        _ = try await stream.bind("balcony")
        // A stanza before enabling does not count (§4: h counts from <enable/>).
        try await stream.send("<iq type='get' id='before'><ping xmlns='urn:xmpp:ping'/></iq>")
        _ = await stream.next { $0[attribute: "id"] == "before" }
        try await stream.send("<enable xmlns='urn:xmpp:sm:3' resume='true' max='60'/>")
        let enabled = try #require(await stream.nextStreamManagement(named: "enabled"))
        #expect(enabled[attribute: "resume"] == "true")
        #expect((enabled[attribute: "id"]?.count ?? 0) >= 16, "an unguessable SM-ID")
        #expect(enabled[attribute: "max"] == "60", "the client asked for less than the server's 300 s")
        try await stream.send("<r xmlns='urn:xmpp:sm:3'/>")
        #expect(await stream.nextStreamManagement(named: "a")?[attribute: "h"] == "0")
        for index in 0..<3 {
            try await stream.send("<iq type='get' id='p\(index)'><ping xmlns='urn:xmpp:ping'/></iq>")
        }
        // A message to nobody online goes to offline storage first; the ack waits for it.
        try await stream.send("<message to='juliet@example.com' type='chat'><body>to myself</body></message>")
        try await stream.send("<presence/><r xmlns='urn:xmpp:sm:3'/>")
        #expect(await stream.nextStreamManagement(named: "a")?[attribute: "h"] == "5")
        await stream.close()
        await server.stop()
    }

    @Test func theServerAsksForAcksAndDropsWhatIsAcknowledged() async throws {
        let (server, port) = try await streamManagementServer(accounts: ["juliet@example.com"])
        let (stream, _) = try await RawStream.authenticated(port: port, as: "juliet")
        _ = try await stream.bind("balcony")
        try await stream.send("<enable xmlns='urn:xmpp:sm:3'/>")
        _ = await stream.nextStreamManagement(named: "enabled")
        // Five answers are five stanzas from the server: it asks for an ack.
        for index in 0..<5 {
            try await stream.send("<iq type='get' id='q\(index)'><ping xmlns='urn:xmpp:ping'/></iq>")
        }
        #expect(await stream.nextStreamManagement(named: "r") != nil)
        // Acknowledging more than was sent is a stream error (§4).
        try await stream.send("<a xmlns='urn:xmpp:sm:3' h='5'/><a xmlns='urn:xmpp:sm:3' h='7'/>")
        let error = await stream.next { $0.name == "error" && $0.namespace == Namespace.stream }
        #expect(error?.firstElement(named: "undefined-condition", namespace: Namespace.streamErrors) != nil)
        let tooHigh = error?.firstElement(named: "handled-count-too-high", namespace: Namespace.streamManagement)
        #expect(tooHigh?[attribute: "h"] == "7")
        #expect(tooHigh?[attribute: "send-count"] == "5")
        await stream.close()
        await server.stop()
    }

    @Test func aClientThatNeverAcksIsDisconnectedPastTheLimit() async throws {
        let (server, port) = try await streamManagementServer(accounts: ["juliet@example.com"]) {
            $0.modules.streamManagement.maxUnackedStanzas = 10
        }
        let (stream, _) = try await RawStream.authenticated(port: port, as: "juliet")
        _ = try await stream.bind("balcony")
        try await stream.send("<enable xmlns='urn:xmpp:sm:3'/>")
        _ = await stream.nextStreamManagement(named: "enabled")
        for index in 0..<11 {
            try await stream.send("<iq type='get' id='n\(index)'><ping xmlns='urn:xmpp:ping'/></iq>")
        }
        let error = await stream.next { $0.name == "error" && $0.namespace == Namespace.stream }
        #expect(error?.firstElement(named: "policy-violation", namespace: Namespace.streamErrors) != nil)
        await stream.close()
        await server.stop()
    }

    @Test func resumingAnUnknownOrAnotherAccountsSessionFailsAndBindingStillWorks() async throws {
        let (server, port) = try await streamManagementServer(accounts: ["juliet@example.com", "nurse@example.com"])
        let (juliet, _) = try await RawStream.authenticated(port: port, as: "juliet")
        _ = try await juliet.bind("balcony")
        try await juliet.send("<enable xmlns='urn:xmpp:sm:3' resume='true'/>")
        let id = try #require(await juliet.nextStreamManagement(named: "enabled")?[attribute: "id"])

        let (nurse, _) = try await RawStream.authenticated(port: port, as: "nurse")
        try await nurse.send("<resume xmlns='urn:xmpp:sm:3' previd='\(id)' h='0'/>")
        let refused = await nurse.nextStreamManagement(named: "failed")
        #expect(refused?.firstElement(named: "item-not-found", namespace: Namespace.stanzaErrors) != nil)
        try await nurse.send("<resume xmlns='urn:xmpp:sm:3' previd='no-such-session' h='0'/>")
        let unknown = await nurse.nextStreamManagement(named: "failed")
        #expect(unknown?.firstElement(named: "item-not-found", namespace: Namespace.stanzaErrors) != nil)
        // XEP-0198 §5: the client may bind instead, on the same stream.
        #expect(try await nurse.bind("kitchen") == "nurse@example.com/kitchen")
        // Juliet's session was not touched.
        try await juliet.send("<r xmlns='urn:xmpp:sm:3'/>")
        #expect(await juliet.nextStreamManagement(named: "a") != nil)
        await nurse.close()
        await juliet.close()
        await server.stop()
    }
}
