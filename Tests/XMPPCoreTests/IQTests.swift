import Testing
@testable import XMPPCore

@Suite("IQ (RFC 6120 §8.2.3)")
struct IQTests {
    static let ping = XMPPElement("ping", namespace: Namespace.ping)

    static func iq(type: String?, id: String? = "i1", children: [XMPPElement] = []) -> IQ {
        var element = XMPPElement("iq", namespace: Namespace.client)
        element[attribute: "type"] = type
        element[attribute: "id"] = id
        for child in children { element.append(child) }
        return IQ(element: element)!
    }

    @Test(arguments: IQType.allCases)
    func definedTypesParse(type: IQType) {
        let iq = Self.iq(type: type.rawValue)
        #expect(iq.type == type)
        #expect(iq.hasValidType)
    }

    @Test func requestTypes() {
        #expect(IQType.get.isRequest)
        #expect(IQType.set.isRequest)
        #expect(!IQType.result.isRequest)
        #expect(!IQType.error.isRequest)
    }

    @Test(arguments: [nil, "", "GET", "query"] as [String?])
    func absentOrUnknownTypeIsBadRequest(value: String?) {
        let iq = Self.iq(type: value, children: [Self.ping])
        #expect(iq.type == nil)
        #expect(!iq.hasValidType)
        #expect(iq.validationError?.condition == .badRequest)
    }

    @Test(arguments: [IQType.get, .set])
    func requestNeedsExactlyOnePayload(type: IQType) {
        #expect(Self.iq(type: type.rawValue, children: [Self.ping]).validationError == nil)
        #expect(Self.iq(type: type.rawValue).validationError?.condition == .badRequest)
        let two = Self.iq(type: type.rawValue, children: [Self.ping, XMPPElement("query", namespace: Namespace.roster)])
        #expect(two.validationError?.condition == .badRequest)
    }

    @Test func resultHasAtMostOnePayload() {
        #expect(Self.iq(type: "result").validationError == nil)
        #expect(Self.iq(type: "result", children: [Self.ping]).validationError == nil)
        #expect(Self.iq(type: "result", children: [Self.ping, Self.ping]).validationError?.condition == .badRequest)
    }

    @Test func idIsRequired() {
        #expect(Self.iq(type: "get", id: nil, children: [Self.ping]).validationError?.condition == .badRequest)
    }

    @Test func errorIqIsNeverAnswered() {
        #expect(Self.iq(type: "error", id: nil).validationError == nil)
    }

    @Test func payloadSkipsTheErrorElement() {
        let error = StanzaError.itemNotFound().element
        let iq = Self.iq(type: "error", children: [Self.ping, error])
        #expect(iq.payload == Self.ping)
        #expect(iq.payloadCount == 1)
        let bare = Self.iq(type: "error", children: [error])
        #expect(bare.payload == nil)
        #expect(bare.error?.condition == .itemNotFound)
    }

    @Test func settingPayloadReplacesIt() {
        var iq = IQ(type: .set, id: "s", payload: Self.ping)
        let query = XMPPElement("query", namespace: Namespace.roster)
        iq.payload = query
        #expect(iq.payload == query)
        #expect(iq.payloadCount == 1)
        iq.payload = nil
        #expect(iq.payloadCount == 0)
    }

    @Test func resultReplySwapsAddressesAndKeepsId() throws {
        let iq = IQ(
            type: .get, id: "p1", to: try JID("example.com"), from: try JID("romeo@example.net/orchard"),
            payload: Self.ping, namespace: Namespace.server)
        let result = iq.result()
        #expect(result.type == .result)
        #expect(result.id == "p1")
        #expect(result.toAttribute == "romeo@example.net/orchard")
        #expect(result.fromAttribute == "example.com")
        #expect(result.payload == nil)
        #expect(result.contentNamespace == Namespace.server)
        #expect(result.validationError == nil)

        let query = XMPPElement("query", namespace: Namespace.discoInfo)
        #expect(iq.result(payload: query).payload == query)
    }
}
