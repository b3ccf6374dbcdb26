import Testing
@testable import XMPPCore

@Suite("Presence (RFC 6121 §4.7)")
struct PresenceTests {
    static func presence(type: String? = nil, priority: String? = nil) -> Presence {
        var element = XMPPElement("presence", namespace: Namespace.client)
        element[attribute: "type"] = type
        if let priority {
            element.append(XMPPElement("priority", namespace: Namespace.client, text: priority))
        }
        return Presence(element: element)!
    }

    static let definedTypes: [(String, PresenceType)] = [
        ("unavailable", .unavailable), ("subscribe", .subscribe), ("subscribed", .subscribed),
        ("unsubscribe", .unsubscribe), ("unsubscribed", .unsubscribed), ("probe", .probe), ("error", .error),
    ]

    @Test(arguments: definedTypes)
    func definedTypesParse(value: String, type: PresenceType) {
        let presence = Self.presence(type: value)
        #expect(presence.type == type)
        #expect(presence.hasValidType)
        #expect(type.attributeValue == value)
    }

    @Test func absentTypeIsAvailable() {
        let presence = Self.presence()
        #expect(presence.type == .available)
        #expect(presence.validationError == nil)
    }

    @Test(arguments: ["available", "bogus", "", "Unavailable"])
    func unknownTypeIsInvalid(value: String) {
        let presence = Self.presence(type: value)
        #expect(presence.type == nil)
        #expect(!presence.hasValidType)
        #expect(presence.typeAttribute == value)
        #expect(presence.validationError?.condition == .badRequest)
    }

    @Test func settingAvailableRemovesTheAttribute() {
        var presence = Presence(type: .unavailable)
        #expect(presence.typeAttribute == "unavailable")
        presence.type = .available
        #expect(presence.typeAttribute == nil)
    }

    @Test(arguments: [("-128", Int8(-128)), ("127", 127), ("0", 0), ("5", 5), (" 10 ", 10), ("+3", 3)])
    func priorityInRangeParses(text: String, value: Int8) throws {
        #expect(try Self.presence(priority: text).priority == value)
        #expect(Self.presence(priority: text).validationError == nil)
    }

    @Test func absentPriorityIsZero() throws {
        #expect(try Self.presence().priority == 0)
    }

    @Test(arguments: ["128", "-129", "x", "", "1.5", "99999999999999999999"])
    func priorityOutOfRangeOrNotAnIntegerIsAnError(text: String) {
        let presence = Self.presence(priority: text)
        #expect(throws: StanzaError.self) { try presence.priority }
        #expect(presence.validationError?.condition == .badRequest)
    }

    @Test func setPriorityWritesAndRemoves() throws {
        var presence = Presence()
        presence.setPriority(-128)
        #expect(presence.element.childText("priority", namespace: Namespace.client) == "-128")
        #expect(try presence.priority == -128)
        presence.setPriority(nil)
        #expect(presence.element.firstElement(named: "priority") == nil)
    }

    @Test func showParsesAndWrites() {
        var presence = Presence()
        #expect(presence.show == nil)
        presence.show = .dnd
        #expect(presence.show == .dnd)
        #expect(presence.element.childText("show", namespace: Namespace.client) == "dnd")
        presence.show = nil
        #expect(presence.element.firstElement(named: "show") == nil)
        var bogus = Presence()
        bogus.element.append(XMPPElement("show", namespace: Namespace.client, text: "sleeping"))
        #expect(bogus.show == nil)
    }

    @Test func statusLanguageAlternatives() {
        var presence = Presence()
        presence.status = "Working"
        presence.setStatus("Arbeite", language: "de")
        #expect(presence.status == "Working")
        #expect(presence.status(language: "de") == "Arbeite")
        #expect(presence.statuses == [LocalizedText("Working"), LocalizedText("Arbeite", language: "de")])
    }

    @Test func errorPresenceIsNeverAnswered() {
        let presence = Self.presence(type: "error", priority: "1000")
        #expect(presence.validationError == nil)
    }
}
