import Testing
@testable import XMPPCore

@Suite("Element model: reading and building")
struct XMPPElementTests {
    @Test func builderMakesChildrenInOrderAndSkipsNilAttributes() {
        let thread: String? = "t1"
        let missing: String? = nil
        let message = XMPPElement("message", namespace: Namespace.client, ["to": "romeo@example.net", "id": missing, "type": "chat"]) {
            XMPPElement("body", namespace: Namespace.client, text: "hi")
            if let thread { XMPPElement("thread", namespace: Namespace.client, text: thread) }
            if let missing { XMPPElement("subject", namespace: Namespace.client, text: missing) }
            for index in 0..<2 { XMPPElement("x", namespace: "urn:x", text: "\(index)") }
        }
        #expect(message.attributes.map(\.name) == ["to", "type"])
        #expect(message.elements.map(\.name) == ["body", "thread", "x", "x"])
        #expect(message.xmlString(context: .clientStream)
            == "<message to='romeo@example.net' type='chat'><body>hi</body><thread>t1</thread><x xmlns='urn:x'>0</x><x xmlns='urn:x'>1</x></message>")
    }

    @Test func attributeSubscriptsSetReplaceAndRemove() {
        var element = XMPPElement("iq", namespace: Namespace.client)
        element[attribute: "type"] = "get"
        element[attribute: "type"] = "set"
        element.language = "en"
        #expect(element.attributes.count == 2)
        #expect(element[attribute: "type"] == "set")
        #expect(element[attribute: "lang", namespace: Namespace.xml] == "en")
        element[attribute: "type"] = nil
        #expect(element[attribute: "type"] == nil)
        #expect(element.attributes.count == 1)
    }

    @Test func findingChildrenByNameAndNamespace() {
        let iq = XMPPElement("iq", namespace: Namespace.client) {
            XMPPElement("query", namespace: Namespace.roster)
            XMPPElement("query", namespace: Namespace.discoInfo)
        }
        #expect(iq.firstElement(named: "query")?.namespace == Namespace.roster)
        #expect(iq.firstElement(named: "query", namespace: Namespace.discoInfo) != nil)
        #expect(iq.firstElement(in: Namespace.discoInfo)?.name == "query")
        #expect(iq.elements(named: "query").count == 2)
        #expect(iq.firstElement(named: "missing") == nil)
    }

    @Test func textIsConcatenatedAndReplacedWithoutTouchingElements() {
        var element = XMPPElement("body", namespace: "") {
            "a"
            XMPPElement("b", namespace: "")
            "c"
        }
        #expect(element.text == "ac")
        element.text = "new"
        #expect(element.children == [.text("new"), .element(XMPPElement("b", namespace: ""))])
        element.append(text: "!")
        element.append(text: "?")
        #expect(element.children.count == 3)
        #expect(element.text == "new!?")
    }
}
