import Testing
import XMPPClient
import XMPPCore
@testable import NeedletailServer

/// RFC 6121 §3 subscriptions between two local accounts, over real connections.
@Suite("Subscriptions (RFC 6121 §3)", .serialized)
struct SubscriptionEndToEndTests {
    @Test func theSubscriptionDanceEndsInBothWithPresenceEachWay() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        try await juliet.roster()
        try await romeo.roster()
        try await juliet.available()
        try await romeo.available(status: "in the orchard")

        // §3.1.2: the request goes out with the user's bare JID; the roster shows ask.
        try await juliet.send(.subscribe, to: "romeo@example.net")
        let asked = try #require(await juliet.inbox.rosterPush(for: "romeo@example.net"))
        #expect(asked[attribute: "ask"] == "subscribe")
        #expect(asked[attribute: "subscription"] == "none")
        let request = try #require(await romeo.inbox.presence { $0.type == .subscribe })
        #expect(request.fromAttribute == "juliet@example.com")

        // §3.1.5: approval; the contact's presence follows.
        try await romeo.send(.subscribed, to: "juliet@example.com")
        let from = try #require(await romeo.inbox.rosterPush(for: "juliet@example.com"))
        #expect(from[attribute: "subscription"] == "from")
        let to = try #require(await juliet.inbox.rosterPush(for: "romeo@example.net"))
        #expect(to[attribute: "subscription"] == "to")
        #expect(to[attribute: "ask"] == nil)
        #expect(await juliet.inbox.presence { $0.type == .subscribed }?.fromAttribute == "romeo@example.net")
        let seen = try #require(await juliet.inbox.presence { $0.fromAttribute == "romeo@example.net/orchard" })
        #expect(seen.status == "in the orchard")

        // And back the other way.
        try await romeo.send(.subscribe, to: "juliet@example.com")
        #expect(await juliet.inbox.presence { $0.type == .subscribe }?.fromAttribute == "romeo@example.net")
        try await juliet.send(.subscribed, to: "romeo@example.net")
        #expect(await juliet.inbox.rosterPush(for: "romeo@example.net")?[attribute: "subscription"] == "both")
        var both: XMPPElement?
        for _ in 0..<3 where both?[attribute: "subscription"] != "both" {
            both = await romeo.inbox.rosterPush(for: "juliet@example.com")
        }
        #expect(both?[attribute: "subscription"] == "both")
        #expect(await romeo.inbox.presence { $0.fromAttribute == "juliet@example.com/balcony" && $0.type == .available } != nil)

        // §3.3: unsubscribing; the contact's presence goes unavailable for the user.
        try await juliet.send(.unsubscribe, to: "romeo@example.net")
        #expect(await juliet.inbox.rosterPush(for: "romeo@example.net")?[attribute: "subscription"] == "from")
        #expect(await juliet.inbox.presence { $0.type == .unavailable && $0.fromAttribute == "romeo@example.net/orchard" } != nil)
        for online in [juliet, romeo] { await online.close() }
        await server.stop()
    }

    @Test func aPendingRequestIsDeliveredAgainAtTheNextLogin() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        try await juliet.send(.subscribe, to: "romeo@example.net")
        _ = await juliet.inbox.rosterPush(within: .milliseconds(500))
        for attempt in 0..<2 {
            let romeo = try await Online.connect(server, "romeo@example.net/orchard\(attempt)")
            try await romeo.available()
            let request = await romeo.inbox.presence { $0.type == .subscribe }
            #expect(request?.fromAttribute == "juliet@example.com", "login \(attempt)")
            await romeo.close()
        }
        await juliet.close()
        await server.stop()
    }

    @Test func aPreApprovedRequestIsApprovedByTheServer() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        try await romeo.roster()
        try await juliet.roster()
        try await romeo.available()
        try await juliet.available()
        // §3.4: 'subscribed' with no request pending is a pre-approval.
        try await romeo.send(.subscribed, to: "juliet@example.com")
        let approved = try #require(await romeo.inbox.rosterPush(for: "juliet@example.com"))
        #expect(approved[attribute: "approved"] == "true")
        #expect(approved[attribute: "subscription"] == "none")
        try await juliet.send(.subscribe, to: "romeo@example.net")
        #expect(await juliet.inbox.presence { $0.type == .subscribed }?.fromAttribute == "romeo@example.net")
        #expect(await romeo.inbox.rosterPush(for: "juliet@example.com")?[attribute: "subscription"] == "from")
        // The request itself never reaches Romeo.
        #expect(await romeo.inbox.presence(within: .milliseconds(300)) { $0.type == .subscribe } == nil)
        for online in [juliet, romeo] { await online.close() }
        await server.stop()
    }

    @Test func removingAnItemCancelsBothSubscriptions() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        try await server.befriend("juliet@example.com", "romeo@example.net")
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        try await romeo.roster()
        try await romeo.available()
        try await juliet.available()
        try await juliet.setRosterItem("romeo@example.net", remove: true)
        // §2.5.2: the contact's roster loses both directions.
        var item: XMPPElement?
        for _ in 0..<2 where item?[attribute: "subscription"] != "none" {
            item = await romeo.inbox.rosterPush(for: "juliet@example.com")
        }
        #expect(item?[attribute: "subscription"] == "none")
        #expect(await romeo.inbox.presence { $0.type == .unavailable && $0.fromAttribute == "juliet@example.com/balcony" } != nil)
        for online in [juliet, romeo] { await online.close() }
        await server.stop()
    }
}
