import Testing
@testable import XMPPCore

@Suite("Stanza views and error replies (RFC 6120 §8)")
struct StanzaTests {
    static let stanzaNamespaces = [Namespace.client, Namespace.server, Namespace.component]

    @Test(arguments: stanzaNamespaces)
    func recognisesTheThreeKindsInEachStanzaNamespace(namespace: String) {
        let message = Stanza(element: XMPPElement("message", namespace: namespace))
        let presence = Stanza(element: XMPPElement("presence", namespace: namespace))
        let iq = Stanza(element: XMPPElement("iq", namespace: namespace))
        guard case .message(let m) = message, case .presence(let p) = presence, case .iq(let i) = iq else {
            Issue.record("not recognised in \(namespace)")
            return
        }
        #expect(m.contentNamespace == namespace)
        #expect(p.contentNamespace == namespace)
        #expect(i.contentNamespace == namespace)
    }

    @Test func rejectsOtherElementsAndForeignNamespaces() {
        #expect(Stanza(element: XMPPElement("message", namespace: "urn:example")) == nil)
        #expect(Stanza(element: XMPPElement("enable", namespace: Namespace.streamManagement)) == nil)
        #expect(Stanza(element: XMPPElement("body", namespace: Namespace.client)) == nil)
        #expect(Message(element: XMPPElement("iq", namespace: Namespace.client)) == nil)
        #expect(IQ(element: XMPPElement("iq", namespace: Namespace.stream)) == nil)
    }

    @Test func sharedAttributesReadAndWrite() throws {
        var message = Message(id: "m1", to: try JID("juliet@example.com"), from: try JID("romeo@example.net/orchard"))
        #expect(message.id == "m1")
        #expect(try message.to == JID("juliet@example.com"))
        #expect(try message.from == JID("romeo@example.net/orchard"))
        #expect(message.toAttribute == "juliet@example.com")
        message.language = "en"
        #expect(message.element.language == "en")
        message.setTo(nil)
        #expect(message.toAttribute == nil)
        #expect(try message.to == nil)
        message.id = nil
        #expect(message.element[attribute: "id"] == nil)
    }

    @Test func malformedAddressThrowsButRawAttributeStays() {
        var presence = Presence()
        presence.toAttribute = "@example.com"
        #expect(throws: JIDError.self) { try presence.to }
        #expect(presence.toAttribute == "@example.com")
    }

    @Test func payloadsAreFoundByNamespace() {
        var message = Message(type: .chat, body: "hi")
        message.element.append(XMPPElement("active", namespace: "http://jabber.org/protocol/chatstates"))
        message.element.append(XMPPElement("delay", namespace: Namespace.delay))
        #expect(message.payloads.map(\.name) == ["active", "delay"])
        #expect(message.payload(in: Namespace.delay)?.name == "delay")
        #expect(message.payload(named: "active", namespace: "http://jabber.org/protocol/chatstates") != nil)
        #expect(message.payloads(in: "urn:none").isEmpty)
    }

    // MARK: Error replies (RFC 6120 §8.3.1)

    @Test func messageErrorReplySwapsAddressesKeepsIdAndPayload() throws {
        var message = Message(
            type: .chat, id: "m1", to: try JID("juliet@example.com"), from: try JID("romeo@example.net/a"), body: "hi")
        message.element.append(XMPPElement("active", namespace: "http://jabber.org/protocol/chatstates"))
        let reply = try #require(message.errorReply(.serviceUnavailable()))
        #expect(reply.typeAttribute == "error")
        #expect(reply.type == .error)
        #expect(reply.id == "m1")
        #expect(reply.toAttribute == "romeo@example.net/a")
        #expect(reply.fromAttribute == "juliet@example.com")
        #expect(reply.body == "hi")
        #expect(reply.element.elements.map(\.name) == ["body", "active", "error"])
        #expect(reply.error == .serviceUnavailable())
        #expect(reply.contentNamespace == Namespace.client)
    }

    @Test func presenceErrorReplyWithoutOriginalPayload() throws {
        var presence = Presence(
            type: .subscribe, id: "p1", to: try JID("juliet@example.com"), from: try JID("romeo@example.net"),
            namespace: Namespace.server)
        presence.status = "let me in"
        let reply = try #require(presence.errorReply(.forbidden(), includingOriginalPayload: false))
        #expect(reply.type == .error)
        #expect(reply.id == "p1")
        #expect(reply.toAttribute == "romeo@example.net")
        #expect(reply.fromAttribute == "juliet@example.com")
        #expect(reply.element.elements.map(\.name) == ["error"])
        #expect(reply.element.elements.first?.namespace == Namespace.server)
        #expect(reply.error?.condition == .forbidden)
    }

    @Test func iqErrorReplyKeepsTheRequestPayload() throws {
        let query = XMPPElement("query", namespace: Namespace.roster)
        let iq = IQ(type: .get, id: "r1", from: try JID("romeo@example.net/orchard"), payload: query)
        let reply = try #require(iq.errorReply(.itemNotFound("no roster")))
        #expect(reply.type == .error)
        #expect(reply.id == "r1")
        #expect(reply.toAttribute == "romeo@example.net/orchard")
        #expect(reply.fromAttribute == nil)   // the original had no 'to'
        #expect(reply.payload == query)
        #expect(reply.error?.text == "no roster")
    }

    @Test func replyOmitsAbsentIdAndAddresses() throws {
        let reply = try #require(Message().errorReply(.badRequest()))
        #expect(reply.id == nil)
        #expect(reply.toAttribute == nil)
        #expect(reply.fromAttribute == nil)
    }

    @Test func noErrorReplyToAnError() throws {
        let message = Message(type: .error, id: "x")
        #expect(message.errorReply(.badRequest()) == nil)
        let presence = Presence(type: .error)
        #expect(presence.errorReply(.badRequest()) == nil)
        let iq = IQ(type: .error, id: "i")
        #expect(iq.errorReply(.badRequest()) == nil)
        #expect(Stanza.iq(iq).errorReply(.badRequest()) == nil)
    }

    @Test func stanzaEnumForwardsTheReply() throws {
        let stanza = try #require(Stanza(element: IQ(type: .set, id: "s1", payload: XMPPElement("x", namespace: "urn:x")).element))
        #expect(stanza.id == "s1")
        #expect(!stanza.isError)
        let reply = try #require(stanza.errorReply(.featureNotImplemented()))
        #expect(reply.isError)
        guard case .iq(let iq) = reply else {
            Issue.record("reply is not an iq")
            return
        }
        #expect(iq.error?.condition == .featureNotImplemented)
    }
}
