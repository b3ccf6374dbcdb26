import NIOCore
import Testing
@testable import XMPPCore

@Suite("XML stream parser: events and namespaces")
struct XMLStreamParserTests {
    /// A realistic client session on one stream: STARTTLS, SASL, bind, presence and
    /// messages with entities, character references, CDATA and non-ASCII text.
    static let clientSession = clientHeader + """
    <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>
    <auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="SCRAM-SHA-1">biwsbj1qdWxpZXQscj1vTXNUQUF3QUFBQU1BQUFBTlAwVEFBQUFBQUJQVTBBQQ==</auth>
    <iq type='set' id='bind_1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>balcony</resource></bind></iq>
    <presence><show>chat</show><status xml:lang='de'>Grüße aus Verona ☕</status><priority>5</priority></presence> \r\n\t
    <message to='romeo@example.net' type='chat' id='m&amp;1'><body>Wherefore art thou, &lt;Romeo&gt;? &#x263A; &#9731; 你好 🎉</body><x:thread xmlns:x='urn:example:x' x:parent='p'>t1</x:thread></message>
    <message to="romeo@example.net"><body>a<![CDATA[<raw & cdata>]]>b</body><html xmlns='http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3.org/1999/xhtml'><p>Hi <em>there</em></p></body></html></message>
    </stream:stream>
    """

    @Test func everySplitPointOfAClientSessionGivesTheSameEvents() {
        let (outcome, mismatches) = parseEverySplit(Self.clientSession)
        #expect(mismatches == 0)
        #expect(outcome.error == nil)
        #expect(outcome.events.count == 8)
        #expect(outcome.events.last == .streamClosed)
    }

    @Test func streamHeaderAttributesAndNamespaces() throws {
        let outcome = parse(clientHeader)
        guard case .streamOpened(let header) = outcome.events.first else {
            Issue.record("no header: \(outcome)")
            return
        }
        #expect(header.to == "example.com")
        #expect(header.version == "1.0")
        #expect(header.language == "en")
        #expect(header.contentNamespace == Namespace.client)
        #expect(header.prefixes == [NamespaceBinding(prefix: "stream", namespace: Namespace.stream)])
    }

    @Test func namespacesResolveForDefaultsAndPrefixes() throws {
        let elements = parse(Self.clientSession).elements
        #expect(elements[0].name == "starttls" && elements[0].namespace == Namespace.tls)
        #expect(elements[2].namespace == Namespace.client)
        #expect(elements[2].firstElement(named: "bind")?.namespace == Namespace.bind)
        #expect(elements[2].firstElement(named: "bind")?.firstElement(named: "resource")?.namespace == Namespace.bind)
        let thread = try #require(elements[4].firstElement(named: "thread"))
        #expect(thread.namespace == "urn:example:x")
        #expect(thread[attribute: "parent", namespace: "urn:example:x"] == "p")
        let xhtml = try #require(elements[5].firstElement(named: "html")?.firstElement(named: "body"))
        #expect(xhtml.namespace == "http://www.w3.org/1999/xhtml")
        #expect(xhtml.firstElement(named: "p")?.namespace == "http://www.w3.org/1999/xhtml")
    }

    @Test func streamPrefixedElementsResolveToTheStreamNamespace() {
        let outcome = parse(clientHeader + "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>")
        #expect(outcome.elements.first?.name == "features")
        #expect(outcome.elements.first?.namespace == Namespace.stream)
    }

    @Test func entitiesCharacterReferencesAndNonASCIIText() {
        let elements = parse(Self.clientSession).elements
        #expect(elements[4][attribute: "id"] == "m&1")
        #expect(elements[4].childText("body") == "Wherefore art thou, <Romeo>? ☺ ☃ 你好 🎉")
        #expect(elements[3].childText("status") == "Grüße aus Verona ☕")
    }

    @Test func cdataMergesWithSurroundingText() {
        let elements = parse(Self.clientSession).elements
        #expect(elements[5].firstElement(named: "body")?.children == [.text("a<raw & cdata>b")])
    }

    @Test func stanzasInheritTheStreamLanguage() {
        // RFC 6120 §4.7.4: a stanza without xml:lang takes the stream's.
        let elements = parse(Self.clientSession).elements
        #expect(elements[4].language == "en")
        #expect(elements[3].firstElement(named: "status")?.language == "de")
        var parser = XMLStreamParser(inheritsStreamLanguage: false)
        parser.append(contentsOf: Array((clientHeader + "<presence/>").utf8))
        _ = try? parser.next()
        #expect((try? parser.next()) == .element(XMPPElement("presence", namespace: Namespace.client)))
    }

    @Test func lineEndsAndAttributeWhitespaceAreNormalized() {
        // XML 1.0 §2.11 and §3.3.3.
        let outcome = parse(clientHeader + "<message id='a\tb\r\nc' x='&#10;'><body>one\r\ntwo\rthree&#13;</body></message>")
        #expect(outcome.elements.first?[attribute: "id"] == "a b c")
        #expect(outcome.elements.first?[attribute: "x"] == "\n")
        #expect(outcome.elements.first?.childText("body") == "one\ntwo\nthree\r")
    }

    @Test func whitespaceKeepalivesProduceNoEvents() {
        let outcome = parse(clientHeader + " \n \t \r\n   ")
        #expect(outcome.events.count == 1)
        #expect(outcome.error == nil)
    }

    @Test func xmlDeclarationAndByteOrderMarkAreOptional() {
        let bare = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><presence/>"
        #expect(parse(bare).events.count == 2)
        #expect(parse(chunks: [[0xEF, 0xBB, 0xBF] + Array(bare.utf8)]).events.count == 2)
        #expect(parse("<?xml version='1.0' encoding='UTF-8'?>" + bare).events.count == 2)
    }

    @Test func restartReadsANewStreamFromBufferedBytes() throws {
        var parser = XMLStreamParser()
        parser.append(contentsOf: Array((clientHeader + "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>" + clientHeader).utf8))
        _ = try parser.next()
        _ = try parser.next()
        // RFC 6120 §6.4.6: after SASL success both sides restart the stream.
        parser.reset()
        guard case .streamOpened = try parser.next() else {
            Issue.record("restarted stream did not open")
            return
        }
        #expect(parser.bufferedByteCount == 0)
    }

    @Test func bufferedBytesAreVisibleForTheSTARTTLSCheck() throws {
        var parser = XMLStreamParser()
        parser.append(contentsOf: Array((clientHeader + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><presence/>").utf8))
        _ = try parser.next()
        _ = try parser.next()
        #expect(parser.bufferedByteCount == "<presence/>".utf8.count)
    }

    @Test func fragmentsModeReadsRootlessElements() {
        // RFC 7395: each WebSocket frame is one element, starting with <open/>.
        let text = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' version='1.0'/> <message xmlns='jabber:client'><body>hi</body></message>"
        let (outcome, mismatches) = parseEverySplit(text, mode: .fragments)
        #expect(mismatches == 0)
        #expect(outcome.elements.map(\.name) == ["open", "message"])
        #expect(outcome.elements.first?.namespace == Namespace.framing)
    }

    @Test func selfClosingStreamOpensAndCloses() {
        let outcome = parse("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'/>")
        #expect(outcome.events.count == 1)
        #expect(outcome.error == nil)
    }

    @Test func errorsAreSticky() {
        var parser = XMLStreamParser()
        parser.append(contentsOf: Array((clientHeader + "<!-- x -->").utf8))
        _ = try? parser.next()
        #expect(throws: StreamError.self) { try parser.next() }
        parser.append(contentsOf: Array("<presence/>".utf8))
        #expect(throws: StreamError.self) { try parser.next() }
    }
}

@Suite("XML stream parser: whitespace after STARTTLS")
struct XMLStreamParserWhitespaceTests {
    @Test func whitespaceAfterAnElementIsNotCountedAsBufferedData() throws {
        var parser = XMLStreamParser()
        parser.append(contentsOf: Array((clientHeader + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\r\n ").utf8))
        _ = try parser.next()
        _ = try parser.next()
        parser.discardBufferedWhitespace()
        #expect(parser.bufferedByteCount == 0)
        parser.append(contentsOf: Array(" <presence/>".utf8))
        parser.discardBufferedWhitespace()
        #expect(parser.bufferedByteCount == "<presence/>".utf8.count)
    }
}
