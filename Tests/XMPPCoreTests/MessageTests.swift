import Testing
@testable import XMPPCore

@Suite("Message (RFC 6121 §5)")
struct MessageTests {
    static func message(type: String?) -> Message {
        var element = XMPPElement("message", namespace: Namespace.client)
        element[attribute: "type"] = type
        return Message(element: element)!
    }

    @Test(arguments: MessageType.allCases)
    func definedTypesParse(type: MessageType) {
        let message = Self.message(type: type.rawValue)
        #expect(message.type == type)
        #expect(message.hasValidType)
    }

    @Test func absentTypeIsNormal() {
        let message = Self.message(type: nil)
        #expect(message.type == .normal)
        #expect(message.hasValidType)
    }

    @Test(arguments: ["", "Chat", "bogus", "available"])
    func unknownTypeIsTreatedAsNormalButDetectable(value: String) {
        // RFC 6121 §5.2.2: an unknown type MUST be treated as normal.
        let message = Self.message(type: value)
        #expect(message.type == .normal)
        #expect(!message.hasValidType)
        #expect(message.typeAttribute == value)
    }

    @Test func settingTypeWritesTheAttribute() {
        var message = Message()
        #expect(message.typeAttribute == nil)
        message.type = .headline
        #expect(message.typeAttribute == "headline")
    }

    @Test func bodyLanguageAlternatives() {
        // RFC 6121 §5.2.3, Example: the default body plus a Czech alternative.
        var element = XMPPElement("message", namespace: Namespace.client)
        element.language = "en"
        element.append(XMPPElement("body", namespace: Namespace.client, text: "Wherefore art thou, Romeo?"))
        var czech = XMPPElement("body", namespace: Namespace.client, text: "PročeŽ jsi ty, Romeo?")
        czech.language = "cs"
        element.append(czech)
        let message = Message(element: element)!

        #expect(message.body == "Wherefore art thou, Romeo?")
        #expect(message.body(language: "cs") == "PročeŽ jsi ty, Romeo?")
        #expect(message.body(language: "CS") == "PročeŽ jsi ty, Romeo?")
        #expect(message.body(language: "en") == "Wherefore art thou, Romeo?")   // inherits the stanza's xml:lang
        #expect(message.body(language: "de") == nil)
        #expect(message.bodies == [
            LocalizedText("Wherefore art thou, Romeo?"),
            LocalizedText("PročeŽ jsi ty, Romeo?", language: "cs"),
        ])
    }

    @Test func defaultBodyFallsBackToFirstAlternative() {
        var message = Message()
        message.setBody("Hallo", language: "de")
        #expect(message.body == "Hallo")
    }

    @Test func settingBodyKeepsOtherLanguages() {
        var message = Message(body: "Hello")
        message.setBody("Bonjour", language: "fr")
        message.body = "Hi"
        #expect(message.bodies == [LocalizedText("Hi"), LocalizedText("Bonjour", language: "fr")])
        message.setBody(nil, language: "fr")
        #expect(message.bodies == [LocalizedText("Hi")])
        message.body = nil
        #expect(message.bodies.isEmpty)
        #expect(message.body == nil)
    }

    @Test func settingMatchesTheEffectiveLanguage() {
        // A body in the stanza's own language is the default one, with or without xml:lang,
        // so setting never leaves two bodies claiming one language (RFC 6121 §5.2.3).
        var message = Message()
        message.language = "en"
        message.setBody("Hello", language: "en")
        message.body = "Hi"
        #expect(message.bodies == [LocalizedText("Hi")])
        message.setBody("Hey", language: "EN")
        #expect(message.bodies == [LocalizedText("Hey", language: "EN")])
        #expect(message.body(language: "en") == "Hey")
    }

    @Test func subjectAlternatives() {
        var message = Message()
        message.subject = "I implore you!"
        message.setSubject("Úpěnlivě prosím!", language: "cs")
        #expect(message.subject == "I implore you!")
        #expect(message.subject(language: "cs") == "Úpěnlivě prosím!")
        #expect(message.subjects.count == 2)
    }

    @Test func threadAndParent() {
        var message = Message(type: .chat)
        #expect(message.thread == nil)
        message.parentThread = "ignored"
        #expect(message.parentThread == nil)
        message.thread = "e0ffe42b28561960c6b12b944a092794b9683a38"
        message.parentThread = "7edac73ab41e45c4aafa7b2d7b749080"
        #expect(message.thread == "e0ffe42b28561960c6b12b944a092794b9683a38")
        #expect(message.parentThread == "7edac73ab41e45c4aafa7b2d7b749080")
        message.thread = "other"
        #expect(message.parentThread == "7edac73ab41e45c4aafa7b2d7b749080")
        message.thread = nil
        #expect(message.element.firstElement(named: "thread") == nil)
    }

    @Test func contentChildrenUseTheStanzaNamespace() {
        var message = Message(namespace: Namespace.server)
        message.body = "x"
        #expect(message.element.firstElement(named: "body")?.namespace == Namespace.server)
        // A body in a foreign namespace is a payload, not the body.
        var other = Message()
        other.element.append(XMPPElement("body", namespace: "urn:example", text: "not mine"))
        #expect(other.body == nil)
    }
}
