import Testing
import XMPPCore
import XMPPStreams

/// The SASL wire elements (RFC 6120 §6.4): building, reading back, and the
/// payload conventions.
@Suite("SASL elements")
struct SASLElementTests {
    static let roundTrips: [SASLElement] = [
        .auth(mechanism: "SCRAM-SHA-1", initialResponse: Array("n,,n=user,r=abc".utf8)),
        .auth(mechanism: "PLAIN", initialResponse: nil),
        .auth(mechanism: "EXTERNAL", initialResponse: []),
        .challenge(Array("r=abc,s=QSXCR+Q6sek8bf92,i=4096".utf8)),
        .challenge([]),
        .response([0, 1, 2, 255]),
        .response([]),
        .success(additionalData: nil),
        .success(additionalData: []),
        .success(additionalData: Array("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=".utf8)),
        .failure(SASLFailure(.notAuthorized)),
        .failure(SASLFailure(.accountDisabled, text: "Call 555-1234")),
        .abort,
    ]

    @Test("Each element reads back as itself", arguments: roundTrips)
    func roundTrip(element: SASLElement) throws {
        #expect(try SASLElement(element.element) == element)
    }

    @Test("Every failure condition round-trips", arguments: SASLFailureCondition.allCases)
    func failureConditions(condition: SASLFailureCondition) throws {
        let element = SASLElement.failure(SASLFailure(condition)).element
        #expect(element.elements.map(\.name) == [condition.rawValue])
        #expect(try SASLElement(element) == .failure(SASLFailure(condition)))
    }

    @Test("<auth/> carries the mechanism attribute and base 64 text")
    func authShape() {
        let element = SASLElement.auth(mechanism: "SCRAM-SHA-1", initialResponse: Array("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL".utf8)).element
        #expect(element.name == "auth")
        #expect(element.namespace == Namespace.sasl)
        #expect(element[attribute: "mechanism"] == "SCRAM-SHA-1")
        #expect(element.text == "biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdM")
    }

    @Test("An empty initial response is '=', an absent one is no text (RFC 6120 §6.4.2)")
    func emptyInitialResponse() throws {
        #expect(SASLElement.auth(mechanism: "X", initialResponse: []).element.text == "=")
        #expect(SASLElement.auth(mechanism: "X", initialResponse: nil).element.children.isEmpty)
        let equals = XMPPElement("auth", namespace: Namespace.sasl, attributes: [XMLAttribute("mechanism", value: "X")], text: "=")
        #expect(try SASLElement(equals) == .auth(mechanism: "X", initialResponse: []))
    }

    @Test("Success with empty additional data is '=', with none is an empty element")
    func successPayloads() throws {
        #expect(SASLElement.success(additionalData: []).element.text == "=")
        #expect(SASLElement.success(additionalData: nil).element.children.isEmpty)
        #expect(try SASLElement(XMPPElement("success", namespace: Namespace.sasl)) == .success(additionalData: nil))
    }

    @Test("Empty challenges and responses are empty elements, and '=' reads as empty too")
    func emptyChallenge() throws {
        #expect(SASLElement.challenge([]).element.children.isEmpty)
        #expect(try SASLElement(XMPPElement("challenge", namespace: Namespace.sasl, text: "=")) == .challenge([]))
        #expect(try SASLElement(XMPPElement("response", namespace: Namespace.sasl)) == .response([]))
    }

    @Test("<failure/> with text writes <text/> after the condition")
    func failureShape() {
        let element = SASLElement.failure(SASLFailure(.notAuthorized, text: "nope")).element
        #expect(element.elements.map(\.name) == ["not-authorized", "text"])
        #expect(element.childText("text", namespace: Namespace.sasl) == "nope")
    }

    @Test("A <failure/> with an unknown or missing condition reads as not-authorized, keeping the text")
    func unknownFailureCondition() throws {
        var element = XMPPElement("failure", namespace: Namespace.sasl)
        element.append(XMPPElement("text", namespace: Namespace.sasl, text: "why"))
        element.append(XMPPElement("made-up", namespace: Namespace.sasl))
        #expect(try SASLElement(element) == .failure(SASLFailure(.notAuthorized, text: "why")))
    }

    @Test("A payload that is not base 64 throws incorrect-encoding", arguments: ["challenge", "response", "success", "auth"])
    func badBase64(name: String) {
        var element = XMPPElement(name, namespace: Namespace.sasl, text: "not base64!")
        element[attribute: "mechanism"] = "PLAIN"
        #expect(throws: SASLFailure(.incorrectEncoding)) { try SASLElement(element) }
    }

    @Test("An element outside the SASL namespace or with an unknown name throws malformed-request")
    func notSASL() {
        #expect(throws: SASLFailure(.malformedRequest, text: "not a SASL element")) {
            try SASLElement(XMPPElement("abort", namespace: Namespace.tls))
        }
        #expect(throws: SASLFailure(.malformedRequest, text: "unknown SASL element")) {
            try SASLElement(XMPPElement("mechanisms", namespace: Namespace.sasl))
        }
    }

    @Test("<mechanisms/> lists mechanisms in order and reads back, unknown names included")
    func mechanismsElement() {
        let element = SASLMechanism.mechanismsElement([.scramSHA256Plus, .scramSHA256, .plain])
        #expect(element.name == "mechanisms" && element.namespace == Namespace.sasl)
        #expect(SASLMechanism.offeredNames(in: element) == ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", "PLAIN"])
        var withUnknown = element
        withUnknown.append(XMPPElement("mechanism", namespace: Namespace.sasl, text: "\n  X-OAUTH2 \n"))
        #expect(SASLMechanism.offeredNames(in: withUnknown).last == "X-OAUTH2")
        #expect(SASLMechanism.offeredNames(in: XMPPElement("features", namespace: Namespace.stream)).isEmpty)
    }
}
