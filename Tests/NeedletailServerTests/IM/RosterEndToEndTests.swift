import Testing
import XMPPClient
import XMPPCore
@testable import NeedletailServer

/// RFC 6121 §2 rosters over real connections.
@Suite("Rosters (RFC 6121 §2)", .serialized)
struct RosterEndToEndTests {
    @Test func setPushesToEveryInterestedResourceAndGetReturnsTheItem() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"])
        let balcony = try await Online.connect(server, "juliet@example.com/balcony")
        let chamber = try await Online.connect(server, "juliet@example.com/chamber")
        let quiet = try await Online.connect(server, "juliet@example.com/quiet")
        #expect(try await balcony.roster()?.items.isEmpty == true)
        try await chamber.roster()
        try await balcony.setRosterItem("romeo@example.net", name: "Romeo", groups: ["Friends", "Lovers"])
        for online in [balcony, chamber] {
            let pushed = try #require(await online.inbox.rosterPush(for: "romeo@example.net"))
            #expect(pushed[attribute: "name"] == "Romeo")
            #expect(pushed[attribute: "subscription"] == "none")
            #expect(Set(pushed.elements(named: "group").map(\.text)) == ["Friends", "Lovers"])
        }
        // §2.1.6: a resource that never asked for the roster gets no pushes.
        #expect(await quiet.inbox.rosterPush(within: .milliseconds(300)) == nil)
        let items = try #require(try await chamber.roster()?.items)
        #expect(items.map { $0[attribute: "jid"] } == ["romeo@example.net"])
        // Updating keeps the item and replaces name and groups.
        try await balcony.setRosterItem("romeo@example.net", name: "R", groups: [])
        let updated = try #require(await chamber.inbox.rosterPush(for: "romeo@example.net"))
        #expect(updated[attribute: "name"] == "R")
        #expect(updated.elements(named: "group").isEmpty)
        // §2.5: removal is pushed with subscription="remove".
        try await balcony.setRosterItem("romeo@example.net", remove: true)
        let removed = try #require(await chamber.inbox.rosterPush(for: "romeo@example.net"))
        #expect(removed[attribute: "subscription"] == "remove")
        #expect(try await balcony.roster()?.items.isEmpty == true)
        for online in [balcony, chamber, quiet] { await online.close() }
        await server.stop()
    }

    @Test func versioningAnswersNothingWhenCurrentAndEverythingOtherwise() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"])
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        // §2.6.3: a client that sends 'ver' gets the version with the roster.
        let first = try #require(try await juliet.roster(version: ""))
        let version = try #require(first.version)
        try await juliet.setRosterItem("romeo@example.net")
        let push = try #require(await juliet.inbox.take { if case .iq(let iq) = $0 { return iq.type == .set } else { return false } })
        guard case .iq(let pushIQ) = push else { return }
        let pushedVersion = pushIQ.payload(named: "query", namespace: Namespace.roster)?[attribute: "ver"]
        #expect(pushedVersion != nil && pushedVersion != version)
        // An old version gets the whole roster; the current one gets an empty result.
        let full = try #require(try await juliet.roster(version: version))
        #expect(full.items.count == 1)
        #expect(full.version == pushedVersion)
        #expect(try await juliet.roster(version: pushedVersion) == nil)
        await juliet.close()
        await server.stop()
    }

    @Test func malformedSetsGetTheRFCErrors() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        func set(_ items: [XMPPElement], to: String? = nil) async -> StanzaError.Condition? {
            await stanzaError {
                _ = try await juliet.ask(.set, to: to, XMPPElement("query", namespace: Namespace.roster) { items })
            }?.condition
        }
        let romeo = XMPPElement("item", namespace: Namespace.roster, ["jid": "romeo@example.net"])
        let nurse = XMPPElement("item", namespace: Namespace.roster, ["jid": "nurse@example.com"])
        // §2.3.3
        #expect(await set([romeo, nurse]) == .badRequest)
        #expect(await set([romeo.appending(XMPPElement("group", namespace: Namespace.roster, text: "A"))
            .appending(XMPPElement("group", namespace: Namespace.roster, text: "A"))]) == .badRequest)
        #expect(await set([romeo.appending(XMPPElement("group", namespace: Namespace.roster, text: ""))]) == .notAcceptable)
        #expect(await set([romeo.setting("name", to: String(repeating: "n", count: 2000))]) == .notAcceptable)
        #expect(await set([XMPPElement("item", namespace: Namespace.roster, ["jid": "a@b@c"])]) == .jidMalformed)
        // §2.5.3: removing what is not there.
        #expect(await set([romeo.setting("subscription", to: "remove")]) == .itemNotFound)
        // §2.1.5: someone else's roster.
        #expect(await set([nurse], to: "romeo@example.net") == .forbidden)
        #expect(try await juliet.roster()?.items.isEmpty == true)
        await juliet.close()
        await server.stop()
    }

    @Test func theRosterSizeLimitRefusesAdditionsButNotEdits() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"]) { $0.modules.maxRosterItems = 2 }
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        try await juliet.setRosterItem("a@example.net")
        try await juliet.setRosterItem("b@example.net")
        let refused = await stanzaError { try await juliet.setRosterItem("c@example.net") }
        #expect(refused?.condition == .policyViolation)
        try await juliet.setRosterItem("a@example.net", name: "still editable")
        #expect(try await juliet.roster()?.items.count == 2)
        await juliet.close()
        await server.stop()
    }
}
