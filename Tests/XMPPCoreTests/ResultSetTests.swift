import Testing
@testable import XMPPCore

@Suite("Result set management (XEP-0059)")
struct ResultSetTests {
    static func set(_ children: [XMPPElement]) -> XMPPElement {
        XMPPElement("set", namespace: Namespace.resultSet, children: children.map { .element($0) })
    }

    static func child(_ name: String, _ text: String = "", attributes: [XMLAttribute] = []) -> XMPPElement {
        XMPPElement(name, namespace: Namespace.resultSet, attributes: attributes, text: text)
    }

    static let requests: [ResultSetRequest] = [
        ResultSetRequest(),
        ResultSetRequest(max: 10),
        ResultSetRequest(max: 0),
        ResultSetRequest(max: 10, after: "peterpan@neverland.lit"),
        ResultSetRequest(max: 10, before: .item("peter@pixyland.org")),
        ResultSetRequest(max: 10, before: .lastPage),
        ResultSetRequest(max: 10, index: 371),
    ]

    @Test(arguments: requests)
    func requestRoundTrips(request: ResultSetRequest) throws {
        let element = request.element
        #expect(element.name == "set")
        #expect(element.namespace == Namespace.resultSet)
        #expect(try ResultSetRequest(element: element) == request)
    }

    @Test func emptyBeforeRequestsTheLastPage() throws {
        // XEP-0059 §2.5: <before/> with no content.
        let request = try ResultSetRequest(element: Self.set([Self.child("max", "10"), Self.child("before")]))
        #expect(request.before == .lastPage)
        #expect(request.max == 10)
        let written = ResultSetRequest(max: 10, before: .lastPage).element
        let before = try #require(written.firstElement(named: "before", namespace: Namespace.resultSet))
        #expect(before.children.isEmpty)
    }

    @Test func requestParsesEachChild() throws {
        let request = try ResultSetRequest(element: Self.set([
            Self.child("max", " 20 "), Self.child("after", "4da91d4b"), Self.child("index", "0"),
        ]))
        #expect(request == ResultSetRequest(max: 20, after: "4da91d4b", index: 0))
    }

    @Test(arguments: ["-1", "ten", "", "99999999999"])
    func badNumbersAreBadRequest(text: String) {
        #expect(throws: StanzaError.self) { try ResultSetRequest(element: Self.set([Self.child("max", text)])) }
        #expect(throws: StanzaError.self) { try ResultSetRequest(element: Self.set([Self.child("index", text)])) }
        #expect(throws: StanzaError.self) { try ResultSetResponse(element: Self.set([Self.child("count", text)])) }
    }

    @Test func rejectsOtherElements() {
        #expect(throws: StanzaError.self) { try ResultSetRequest(element: XMPPElement("set", namespace: "urn:other")) }
        #expect(throws: StanzaError.self) { try ResultSetResponse(element: XMPPElement("query", namespace: Namespace.resultSet)) }
    }

    @Test func findsTheSetInsideAQuery() throws {
        let query = XMPPElement("query", namespace: Namespace.discoItems)
            .appending(ResultSetRequest(max: 20).element)
        #expect(try ResultSetRequest.find(in: query) == ResultSetRequest(max: 20))
        #expect(try ResultSetRequest.find(in: XMPPElement("query", namespace: Namespace.discoItems)) == nil)
    }

    static let responses: [ResultSetResponse] = [
        ResultSetResponse(count: 790),
        ResultSetResponse(
            first: "stpeter@jabber.org", firstIndex: 0, isFirstIndexExact: true, last: "peterpan@neverland.lit",
            count: 800, isCountExact: true),
        ResultSetResponse(first: "peter@pixyland.org", firstIndex: 10, last: "peter@rabbit.lit", count: 800),
        ResultSetResponse(first: "a", last: "a"),
        ResultSetResponse(),
    ]

    @Test(arguments: responses)
    func responseRoundTrips(response: ResultSetResponse) throws {
        #expect(try ResultSetResponse(element: response.element) == response)
    }

    @Test func responseWireForm() throws {
        let response = ResultSetResponse(
            first: "stpeter@jabber.org", firstIndex: 0, isFirstIndexExact: true, last: "peterpan@neverland.lit",
            count: 800, isCountExact: true)
        let element = response.element
        let first = try #require(element.firstElement(named: "first", namespace: Namespace.resultSet))
        #expect(first.text == "stpeter@jabber.org")
        #expect(first[attribute: "index"] == "0")
        #expect(first[attribute: "exact-index"] == "true")
        #expect(element.childText("last", namespace: Namespace.resultSet) == "peterpan@neverland.lit")
        let count = try #require(element.firstElement(named: "count", namespace: Namespace.resultSet))
        #expect(count.text == "800")
        #expect(count[attribute: "exact"] == "true")
    }

    @Test func responseParsesExactFlagsLeniently() throws {
        let response = try ResultSetResponse(element: Self.set([
            Self.child("first", "x", attributes: [XMLAttribute("index", value: "3"), XMLAttribute("exact-index", value: "1")]),
            Self.child("count", "9", attributes: [XMLAttribute("exact", value: "perhaps")]),
        ]))
        #expect(response.firstIndex == 3)
        #expect(response.isFirstIndexExact == true)
        #expect(response.count == 9)
        #expect(response.isCountExact == nil)
        #expect(response.last == nil)
    }
}
