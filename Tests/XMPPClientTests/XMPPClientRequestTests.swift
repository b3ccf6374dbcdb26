import Testing
import XMPPCore
@testable import XMPPStreams
@testable import XMPPClient

@Suite("IQ request preparation and errors")
struct XMPPClientRequestTests {
    let query = XMPPElement("query", namespace: Namespace.roster)

    @Test func missingOrEmptyIDIsAssigned() throws {
        var request = IQ(type: .get, id: "", payload: query)
        let prepared = try XMPPClient.prepareRequest(request)
        let id = try #require(prepared.id)
        #expect(id.count == 32)
        #expect(id.allSatisfy { $0.isHexDigit })
        request.id = nil
        #expect(try XMPPClient.prepareRequest(request).id?.count == 32)
        #expect(prepared.payload == query)
    }

    @Test func givenIDIsKept() throws {
        #expect(try XMPPClient.prepareRequest(IQ(type: .set, id: "roster-1", payload: query)).id == "roster-1")
    }

    @Test func stanzaIDsAreUnique() {
        let ids = Set((0..<1000).map { _ in XMPPClient.makeStanzaID() })
        #expect(ids.count == 1000)
    }

    @Test(arguments: [IQType.result, .error])
    func onlyRequestsAreSent(_ type: IQType) {
        let error = #expect(throws: XMPPClientError.self) { try XMPPClient.prepareRequest(IQ(type: type, id: "x")) }
        #expect(error?.code == .invalidRequest)
    }

    @Test func invalidAddresseeIsRefused() {
        var request = IQ(type: .get, id: "x", payload: query)
        request.toAttribute = "@@not a jid"
        #expect(throws: XMPPClientError.self) { try XMPPClient.prepareRequest(request) }
    }

    // MARK: Negotiation failures as client errors

    @Test func negotiationFailuresMapToClientCodes() {
        typealias Failure = ClientNegotiationStateMachine.Failure
        #expect(XMPPClientError(Failure.tlsNotOffered()).code == .tlsFailed)
        #expect(XMPPClientError(Failure.tlsRefused()).code == .tlsFailed)
        #expect(XMPPClientError(Failure.tlsRequiredByServer()).code == .tlsFailed)
        #expect(XMPPClientError(Failure.closedByServer()).code == .closed)
        #expect(XMPPClientError(Failure.timedOut()).code == .timeout)
        let stream = XMPPClientError(Failure.streamError(StreamError(.hostUnknown)))
        #expect(stream.code == .streamError)
        #expect(stream.streamError?.condition == .hostUnknown)
        let bind = XMPPClientError(Failure.bindFailed(.conflict(), "resource binding"))
        #expect(bind.code == .bindFailed)
        #expect(bind.stanzaError?.condition == .conflict)
        let violation = XMPPClientError(Failure.protocolViolation("odd", sent: StreamError(.notWellFormed)))
        #expect(violation.code == .protocolViolation)
        #expect(violation.streamError?.condition == .notWellFormed)
    }
}
