import NIOCore
import Testing
@testable import XMPPCore

@Suite("Serializer: escaping, minimal declarations, round trips")
struct XMPPElementSerializationTests {
    @Test func stanzaOnAClientStreamHasNoNamespaceDeclaration() {
        let message = XMPPElement("message", namespace: Namespace.client, attributes: [XMLAttribute("to", value: "a@b")],
                                  children: [.element(XMPPElement("body", namespace: Namespace.client, text: "hi"))])
        #expect(message.xmlString(context: .clientStream) == "<message to='a@b'><body>hi</body></message>")
        #expect(message.xmlString() == "<message xmlns='jabber:client' to='a@b'><body>hi</body></message>")
    }

    @Test func childNamespacesAreDeclaredOnceAndStreamPrefixIsUsed() {
        var features = XMPPElement("features", namespace: Namespace.stream)
        var starttls = XMPPElement("starttls", namespace: Namespace.tls)
        starttls.append(XMPPElement("required", namespace: Namespace.tls))
        features.append(starttls)
        #expect(features.xmlString(context: .clientStream)
            == "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>")
    }

    @Test func escapingInTextAndAttributes() {
        let element = XMPPElement("body", namespace: "", attributes: [XMLAttribute("a", value: "'\"<>&\t\n\r")], text: "<&>'\"\r\n")
        #expect(element.xmlString() == "<body a='&apos;&quot;&lt;&gt;&amp;&#9;&#10;&#13;'>&lt;&amp;&gt;'\"&#13;\n</body>")
    }

    @Test func qualifiedAttributesGetPrefixes() {
        let element = XMPPElement("x", namespace: "urn:x", attributes: [
            XMLAttribute("lang", namespace: Namespace.xml, value: "en"),
            XMLAttribute("p", namespace: "urn:other", value: "1"),
        ])
        #expect(element.xmlString() == "<x xmlns='urn:x' xml:lang='en' xmlns:ns1='urn:other' ns1:p='1'/>")
    }

    @Test func elementOutOfAnyNamespaceUndeclaresTheDefault() {
        var outer = XMPPElement("outer", namespace: "urn:a")
        outer.append(XMPPElement("inner", namespace: ""))
        #expect(outer.xmlString() == "<outer xmlns='urn:a'><inner xmlns=''/></outer>")
    }

    /// parse → serialize → parse is an identity, for every element of every test input.
    static let roundTripInputs: [String] = [
        XMLStreamParserTests.clientSession,
        clientHeader + "<message id='a\tb' x='&#9;&#10;&#13;'><body>one\r\ntwo&#13;three &amp; &lt;four&gt; ]]&gt;</body></message>",
        clientHeader + "<iq type='get' id='1'><query xmlns='jabber:iq:roster'/><p:x xmlns:p='urn:p' p:a='1' b='2'><y xmlns=''><z/></y></p:x></iq>",
        clientHeader + "<message><body xml:lang='fr'>Écoute ça — 🎉</body><x xmlns='jabber:x:data' type='form'><field var='a'><value>1</value></field></x></message>",
        clientHeader + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>",
        clientHeader + "<message><a><![CDATA[x]]>y<![CDATA[<z>]]></a></message>",
    ]

    @Test(arguments: roundTripInputs)
    func parseSerializeParseIsAnIdentity(_ input: String) throws {
        let first = parse(input)
        #expect(first.error == nil)
        guard case .streamOpened(let header) = first.events.first else {
            Issue.record("no header")
            return
        }
        var buffer = ByteBuffer()
        header.write(into: &buffer)
        for element in first.elements {
            element.write(into: &buffer, context: header.namespaceContext)
        }
        let second = parse(chunks: [Array(buffer.readableBytesView)])
        #expect(second.error == nil)
        #expect(second.events.first == first.events.first)
        #expect(second.elements == first.elements)
        // And standalone, with every namespace declared.
        for element in first.elements {
            let alone = parse(element.xmlString(), mode: .fragments)
            #expect(alone.elements == [element])
        }
    }

    @Test func streamErrorWireForm() {
        let error = StreamError(.policyViolation, text: "too big")
        #expect(error.element.xmlString(context: .clientStream)
            == "<stream:error><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>too big</text></stream:error>")
        #expect(StreamError(element: error.element) == error.withDefaultTextLanguageStripped)
        #expect(StreamError.Condition.allCases.count == 25)
    }
}

extension StreamError {
    fileprivate var withDefaultTextLanguageStripped: StreamError { self }
}
