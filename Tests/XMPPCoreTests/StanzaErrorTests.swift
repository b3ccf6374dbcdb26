import Testing
@testable import XMPPCore

@Suite("Stanza errors (RFC 6120 §8.3)")
struct StanzaErrorTests {
    /// Each defined condition of RFC 6120 §8.3.3 with its wire name and the type its definition gives.
    static let catalogue: [(StanzaError.Condition, String, StanzaError.ErrorType)] = [
        (.badRequest, "bad-request", .modify),
        (.conflict, "conflict", .cancel),
        (.featureNotImplemented, "feature-not-implemented", .cancel),
        (.forbidden, "forbidden", .auth),
        (.gone, "gone", .cancel),
        (.internalServerError, "internal-server-error", .cancel),
        (.itemNotFound, "item-not-found", .cancel),
        (.jidMalformed, "jid-malformed", .modify),
        (.notAcceptable, "not-acceptable", .modify),
        (.notAllowed, "not-allowed", .cancel),
        (.notAuthorized, "not-authorized", .auth),
        (.policyViolation, "policy-violation", .modify),
        (.recipientUnavailable, "recipient-unavailable", .wait),
        (.redirect, "redirect", .modify),
        (.registrationRequired, "registration-required", .auth),
        (.remoteServerNotFound, "remote-server-not-found", .cancel),
        (.remoteServerTimeout, "remote-server-timeout", .wait),
        (.resourceConstraint, "resource-constraint", .wait),
        (.serviceUnavailable, "service-unavailable", .cancel),
        (.subscriptionRequired, "subscription-required", .auth),
        (.undefinedCondition, "undefined-condition", .modify),
        (.unexpectedRequest, "unexpected-request", .wait),
    ]

    @Test func catalogueCoversAllTwentyTwoConditions() {
        #expect(StanzaError.Condition.allCases.count == 22)
        #expect(Set(Self.catalogue.map(\.0)) == Set(StanzaError.Condition.allCases))
    }

    @Test(arguments: catalogue)
    func conditionWireNameAndDefaultType(condition: StanzaError.Condition, wireName: String, type: StanzaError.ErrorType) {
        #expect(condition.rawValue == wireName)
        #expect(condition.defaultType == type)
        #expect(StanzaError(condition).type == type)
    }

    @Test(arguments: catalogue)
    func elementRoundTripsForEveryCondition(condition: StanzaError.Condition, wireName: String, type: StanzaError.ErrorType) {
        let error = StanzaError(condition)
        let element = error.element
        #expect(element.name == "error")
        #expect(element.namespace == Namespace.client)
        #expect(element[attribute: "type"] == type.rawValue)
        #expect(element.elements.first?.name == wireName)
        #expect(element.elements.first?.namespace == Namespace.stanzaErrors)
        #expect(StanzaError(element: element) == error)
    }

    @Test func constructorsUseTheirConditionAndDefaultType() {
        let constructed: [StanzaError] = [
            .badRequest(), .conflict(), .featureNotImplemented(), .forbidden(), .gone(), .internalServerError(),
            .itemNotFound(), .jidMalformed(), .notAcceptable(), .notAllowed(), .notAuthorized(), .policyViolation(),
            .recipientUnavailable(), .redirect(to: nil), .registrationRequired(), .remoteServerNotFound(),
            .remoteServerTimeout(), .resourceConstraint(), .serviceUnavailable(), .subscriptionRequired(),
            .undefinedCondition(nil), .unexpectedRequest(),
        ]
        #expect(constructed.map(\.condition) == StanzaError.Condition.allCases)
        for error in constructed {
            #expect(error.type == error.condition.defaultType)
        }
    }

    @Test func fullWireFormHasTypeByConditionTextAndApplicationCondition() throws {
        let by = try JID("example.net")
        let application = XMPPElement("too-many-parameters", namespace: "http://example.org/ns")
        let error = StanzaError(.undefinedCondition, text: "Too many", applicationCondition: application, by: by)
        let element = error.element(namespace: Namespace.server)
        #expect(element.namespace == Namespace.server)
        #expect(element[attribute: "type"] == "modify")
        #expect(element[attribute: "by"] == "example.net")
        let children = element.elements
        #expect(children.count == 3)
        #expect(children[0] == XMPPElement("undefined-condition", namespace: Namespace.stanzaErrors))
        #expect(children[1].name == "text")
        #expect(children[1].namespace == Namespace.stanzaErrors)
        #expect(children[1].language == "en")
        #expect(children[1].text == "Too many")
        #expect(children[2] == application)
        #expect(StanzaError(element: element) == error)
    }

    @Test func goneAndRedirectCarryTheirAddressAsCharacterData() {
        let gone = StanzaError.gone(newAddress: "xmpp:romeo@afterlife.example.net")
        #expect(gone.element.elements.first?.text == "xmpp:romeo@afterlife.example.net")
        #expect(StanzaError(element: gone.element)?.alternateAddress == "xmpp:romeo@afterlife.example.net")

        let redirect = StanzaError.redirect(to: "xmpp:characters@conference.example.org")
        #expect(redirect.type == .modify)
        #expect(redirect.element.elements.first?.text == "xmpp:characters@conference.example.org")
        #expect(StanzaError(element: redirect.element) == redirect)

        // Other conditions never carry it.
        let other = StanzaError(.conflict, alternateAddress: "xmpp:elsewhere.example")
        #expect(other.element.elements.first?.children.isEmpty == true)
    }

    @Test func unknownConditionReadsAsUndefinedCondition() {
        var element = XMPPElement("error", namespace: Namespace.client, attributes: [XMLAttribute("type", value: "continue")])
        element.append(XMPPElement("unknown", namespace: Namespace.stanzaErrors))
        let error = StanzaError(element: element)
        #expect(error?.condition == .undefinedCondition)
        #expect(error?.type == .continue)
    }

    @Test func missingOrUnknownTypeFallsBackToTheDefault() {
        var element = XMPPElement("error", namespace: Namespace.client, attributes: [XMLAttribute("type", value: "bogus")])
        element.append(XMPPElement("forbidden", namespace: Namespace.stanzaErrors))
        #expect(StanzaError(element: element)?.type == .auth)
        element[attribute: "type"] = nil
        #expect(StanzaError(element: element)?.type == .auth)
    }

    @Test func textKeepsItsLanguage() {
        var element = XMPPElement("error", namespace: Namespace.client, attributes: [XMLAttribute("type", value: "cancel")])
        element.append(XMPPElement("item-not-found", namespace: Namespace.stanzaErrors))
        element.append(XMPPElement(
            "text", namespace: Namespace.stanzaErrors,
            attributes: [XMLAttribute("lang", namespace: Namespace.xml, value: "de")], text: "Nicht gefunden"))
        let error = StanzaError(element: element)
        #expect(error?.text == "Nicht gefunden")
        #expect(error?.textLanguage == "de")
        #expect(error.map { StanzaError(element: $0.element) } == error)
    }

    @Test func descriptionNamesConditionTypeAndText() {
        #expect(StanzaError.itemNotFound().description == "item-not-found (cancel)")
        #expect(StanzaError.badRequest("no id").description == "bad-request (modify): no id")
        #expect(StanzaError.gone(newAddress: "xmpp:a@b").description == "gone (cancel) → xmpp:a@b")
    }

    @Test func rejectsElementsThatAreNotStanzaErrors() {
        #expect(StanzaError(element: XMPPElement("error", namespace: Namespace.stream)) == nil)
        #expect(StanzaError(element: XMPPElement("failure", namespace: Namespace.client)) == nil)
    }

    @Test func emptyErrorElementDoesNotFail() {
        let error = StanzaError(element: XMPPElement("error", namespace: Namespace.component))
        #expect(error?.condition == .undefinedCondition)
        #expect(error?.text == nil)
    }
}
