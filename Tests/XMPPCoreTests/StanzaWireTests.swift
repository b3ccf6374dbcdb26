import NIOCore
import Testing
@testable import XMPPCore

/// Stanza views over real XML: RFC examples through the stream parser, and replies
/// through the serializer and back.
@Suite("Stanza views on the wire")
struct StanzaWireTests {
    /// Parses standalone elements (no stream root), as the fragment mode reads them.
    static func elements(_ xml: String) throws -> [XMPPElement] {
        var parser = XMLStreamParser(mode: .fragments, limits: .clientToServer)
        parser.append(ByteBuffer(string: xml))
        var result: [XMPPElement] = []
        while let event = try parser.next() {
            if case .element(let element) = event { result.append(element) }
        }
        return result
    }

    static func stanza(_ xml: String) throws -> Stanza {
        let element = try #require(try elements(xml).first)
        return try #require(Stanza(element: element))
    }

    @Test func readsTheRFC6120BadRequestExample() throws {
        // RFC 6120 §8.3.3.1.
        let stanza = try Self.stanza("""
            <iq xmlns='jabber:client' from='im.example.com' id='zj3v142b' to='juliet@im.example.com/balcony' type='error'>\
            <error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>
            """)
        guard case .iq(let iq) = stanza else {
            Issue.record("not an iq")
            return
        }
        #expect(iq.type == .error)
        #expect(iq.error == StanzaError(.badRequest))
        #expect(iq.errorReply(.badRequest()) == nil)
    }

    @Test func readsTheRFC6120GoneExample() throws {
        // RFC 6120 §8.3.3.5.
        let stanza = try Self.stanza("""
            <message xmlns='jabber:client' from='romeo@example.net' id='sj2b371v' to='juliet@im.example.com/churchyard' type='error'>\
            <error by='example.net' type='cancel'>\
            <gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>xmpp:romeo@afterlife.example.net</gone></error></message>
            """)
        guard case .message(let message) = stanza else {
            Issue.record("not a message")
            return
        }
        let error = try #require(message.error)
        #expect(error.condition == .gone)
        #expect(error.type == .cancel)
        #expect(error.alternateAddress == "xmpp:romeo@afterlife.example.net")
        #expect(error.by == (try JID("example.net")))
    }

    @Test func readsMessageContentWithLanguages() throws {
        // RFC 6121 §5.2.3.
        let stanza = try Self.stanza("""
            <message xmlns='jabber:client' from='juliet@example.com/balcony' to='romeo@example.net' type='chat' xml:lang='en'>\
            <body>Wherefore art thou, Romeo?</body><body xml:lang='cs'>PročeŽ jsi ty, Romeo?</body>\
            <thread parent='7edac73ab41e45c4aafa7b2d7b749080'>e0ffe42b28561960c6b12b944a092794b9683a38</thread></message>
            """)
        guard case .message(let message) = stanza else {
            Issue.record("not a message")
            return
        }
        #expect(message.type == .chat)
        #expect(message.body == "Wherefore art thou, Romeo?")
        #expect(message.body(language: "cs") == "PročeŽ jsi ty, Romeo?")
        #expect(message.thread == "e0ffe42b28561960c6b12b944a092794b9683a38")
        #expect(message.parentThread == "7edac73ab41e45c4aafa7b2d7b749080")
    }

    @Test func errorReplySurvivesSerializationAndParsing() throws {
        let stanza = try Self.stanza("""
            <iq xmlns='jabber:client' from='romeo@example.net/orchard' to='example.net' id='v1' type='get'>\
            <query xmlns='jabber:iq:version'/></iq>
            """)
        let reply = try #require(stanza.errorReply(StanzaError(.serviceUnavailable, text: "no version here")))
        let xml = reply.element.xmlString()
        #expect(xml.contains("<error type='cancel'>") || xml.contains("<error type=\"cancel\">"))
        let reparsed = try #require(try Self.elements(xml).first)
        #expect(reparsed == reply.element)
        #expect(IQ(element: reparsed)?.error?.text == "no version here")
    }

    @Test func dataFormAndResultSetSurviveSerializationAndParsing() throws {
        let form = DataFormTests.botForm
        let reparsedForm = try #require(try Self.elements(form.element.xmlString()).first)
        #expect(try DataForm(element: reparsedForm) == form)

        let request = ResultSetRequest(max: 10, before: .lastPage)
        let reparsedSet = try #require(try Self.elements(request.element.xmlString()).first)
        #expect(try ResultSetRequest(element: reparsedSet) == request)
    }
}
