import Testing
import XMPPCore
@testable import XMPPClient

/// RFC 6120 §8.2.3: an answer carries the request's id and comes from its addressee.
@Suite("IQ response matching")
struct IQResponseMatchingTests {
    static let own = try! JID("juliet@example.com/balcony")

    func answer(id: String = "q1", type: IQType = .result, from: String?) -> IQ {
        var iq = IQ(type: type, id: id)
        iq.fromAttribute = from
        return iq
    }

    func matches(_ response: IQ, to: String?) -> Bool {
        IQResponseMatching.isResponse(response, toRequestWithID: "q1", to: to.map { try! JID($0) }, ownJID: Self.own)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var to: String?
        var from: String?
        var matches: Bool
        var testDescription: String { "to \(to ?? "nil") answered from \(from ?? "nil"): \(matches)" }
    }

    @Test(arguments: [
        // No `to`: the account's own server answers, from the account, the domain, or with no from.
        Case(to: nil, from: nil, matches: true),
        Case(to: nil, from: "juliet@example.com", matches: true),
        Case(to: nil, from: "juliet@example.com/balcony", matches: true),
        Case(to: nil, from: "example.com", matches: true),
        Case(to: nil, from: "JULIET@Example.COM", matches: true),
        Case(to: nil, from: "romeo@example.net", matches: false),
        Case(to: nil, from: "juliet@example.com/other", matches: false),
        Case(to: nil, from: "example.net", matches: false),
        // Addressed elsewhere: only that address may answer.
        Case(to: "romeo@example.net/orchard", from: "romeo@example.net/orchard", matches: true),
        Case(to: "romeo@example.net/orchard", from: "romeo@example.net", matches: false),
        Case(to: "romeo@example.net/orchard", from: nil, matches: false),
        Case(to: "romeo@example.net/orchard", from: "example.com", matches: false),
        Case(to: "conference.example.net", from: "conference.example.net", matches: true),
        Case(to: "conference.example.net", from: "mallory@example.net", matches: false),
        // Addressed to the account or its domain: our server may answer without from.
        Case(to: "juliet@example.com", from: nil, matches: true),
        Case(to: "juliet@example.com", from: "juliet@example.com", matches: true),
        Case(to: "example.com", from: nil, matches: true),
        Case(to: "example.com", from: "example.com", matches: true),
        Case(to: "example.com", from: "mallory@example.com", matches: false),
        // Another resource of the same account answers for itself only.
        Case(to: "juliet@example.com/phone", from: "juliet@example.com/phone", matches: true),
        Case(to: "juliet@example.com/phone", from: nil, matches: false),
    ])
    func senderMustBeTheAddressee(_ testCase: Case) {
        #expect(matches(answer(from: testCase.from), to: testCase.to) == testCase.matches)
    }

    @Test func errorAnswersMatchToo() {
        #expect(matches(answer(type: .error, from: "example.com"), to: "example.com"))
    }

    @Test func requestsAndOtherIDsNeverMatch() {
        #expect(!matches(answer(id: "q2", from: nil), to: nil))
        #expect(!matches(answer(type: .get, from: nil), to: nil))
        #expect(!matches(answer(type: .set, from: nil), to: nil))
    }

    @Test func malformedSenderNeverMatches() {
        #expect(!matches(answer(from: "@@bad"), to: nil))
    }
}
