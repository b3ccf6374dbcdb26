import NeedletailStorage
import Testing
import XMPPClient
import XMPPCore
@testable import NeedletailServer

/// XEP-0016 privacy lists over real connections.
@Suite("Privacy lists (XEP-0016)", .serialized)
struct PrivacyEndToEndTests {
    typealias Lists = PrivacyListTests

    @Test func aDefaultListDenyingMessagesFromOneContactBouncesThemEvenOffline() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "tybalt@example.net", "romeo@example.net"])
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let tybalt = try await Online.connect(server, "tybalt@example.net/street")
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        try await juliet.available()
        let tybaltItem = Lists.item(type: "jid", value: "tybalt@example.net", order: "1", "message", "iq")
        try await juliet.privacy(.set, Lists.list("public", tybaltItem))
        try await juliet.privacy(.set, XMPPElement("default", namespace: Namespace.privacy, ["name": "public"]))
        let names = try await juliet.privacy(.get)
        #expect(names.payload?.firstElement(named: "default")?[attribute: "name"] == "public")
        #expect(names.payload?.elements(named: "list").compactMap { $0[attribute: "name"] } == ["public"])

        // §2.12: the blocked contact gets service-unavailable and the user nothing.
        try await tybalt.client.send(Message(type: .chat, to: try JID("juliet@example.com"), body: "draw!"))
        #expect(await tybalt.inbox.message { $0.isError }?.error?.condition == .serviceUnavailable)
        let version = XMPPElement("query", namespace: Namespace.version)
        #expect(await stanzaError { _ = try await tybalt.ask(to: "juliet@example.com/balcony", version) }?.condition == .serviceUnavailable)
        try await romeo.client.send(Message(type: .chat, to: try JID("juliet@example.com"), body: "wherefore"))
        #expect(await juliet.inbox.message()?.body == "wherefore")
        #expect(await juliet.inbox.message(within: .milliseconds(300)) == nil)

        // §2.2 rule 2: with no session, the default list still applies.
        await juliet.close()
        try await tybalt.client.send(Message(type: .chat, to: try JID("juliet@example.com"), body: "while you sleep"))
        #expect(await tybalt.inbox.message { $0.isError }?.error?.condition == .serviceUnavailable)
        try await romeo.client.send(Message(type: .chat, to: try JID("juliet@example.com"), body: "kept"))
        _ = try await romeo.ask(to: "example.net", XMPPElement("ping", namespace: Namespace.ping))
        let back = try await Online.connect(server, "juliet@example.com/balcony")
        try await back.available()
        #expect(await back.inbox.message()?.body == "kept")
        #expect(await back.inbox.message(within: .milliseconds(300)) == nil)
        for online in [back, tybalt, romeo] { await online.close() }
        await server.stop()
    }

    @Test func deniedPresenceOutHidesTheUserFromThatContactOnly() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net", "nurse@example.com"])
        try await server.befriend("juliet@example.com", "romeo@example.net")
        try await server.befriend("juliet@example.com", "nurse@example.com")
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        let nurse = try await Online.connect(server, "nurse@example.com/kitchen")
        try await romeo.available()
        try await nurse.available()
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        try await juliet.available()
        let fromJuliet = "juliet@example.com/balcony"
        #expect(await romeo.inbox.presence { $0.fromAttribute == fromJuliet } != nil)
        #expect(await nurse.inbox.presence { $0.fromAttribute == fromJuliet } != nil)

        let romeoItem = Lists.item(type: "jid", value: "romeo@example.net", order: "1", "presence-out")
        try await juliet.privacy(.set, Lists.list("hidden", romeoItem))
        try await juliet.privacy(.set, XMPPElement("active", namespace: Namespace.privacy, ["name": "hidden"]))
        // §2.10: the contact that may no longer see the user gets unavailable.
        #expect(await romeo.inbox.presence { $0.fromAttribute == fromJuliet && $0.type == .unavailable } != nil)
        try await juliet.available(status: "on the balcony")
        #expect(await nurse.inbox.presence { $0.fromAttribute == fromJuliet && $0.status == "on the balcony" } != nil)
        #expect(await romeo.inbox.presence(within: .milliseconds(300)) { $0.fromAttribute == fromJuliet } == nil)
        // A probe from a new resource of the contact is not answered either.
        let garden = try await Online.connect(server, "romeo@example.net/garden")
        try await garden.available()
        #expect(await garden.inbox.presence(within: .milliseconds(400)) { $0.fromAttribute?.hasPrefix("juliet@") == true } == nil)

        // Declining the active list shows the user again.
        try await juliet.privacy(.set, XMPPElement("active", namespace: Namespace.privacy))
        #expect(await romeo.inbox.presence { $0.fromAttribute == fromJuliet && $0.status == "on the balcony" } != nil)
        for online in [juliet, romeo, garden, nurse] { await online.close() }
        await server.stop()
    }

    @Test func deniedPresenceInHidesTheContactFromTheUser() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        try await server.befriend("juliet@example.com", "romeo@example.net")
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        try await romeo.available()
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        try await juliet.available()
        #expect(await juliet.inbox.presence { $0.fromAttribute == "romeo@example.net/orchard" } != nil)
        try await juliet.privacy(.set, Lists.list("deaf", Lists.item(type: "subscription", value: "both", order: "5", "presence-in")))
        // Contacts broadcast to the bare JID, which the default list judges.
        try await juliet.privacy(.set, XMPPElement("default", namespace: Namespace.privacy, ["name": "deaf"]))
        // §2.9: the user learns the contact is gone as far as it can tell.
        #expect(await juliet.inbox.presence { $0.fromAttribute == "romeo@example.net/orchard" && $0.type == .unavailable } != nil)
        try await romeo.available(status: "sighing")
        #expect(await juliet.inbox.presence(within: .milliseconds(300)) { $0.fromAttribute == "romeo@example.net/orchard" } == nil)
        try await juliet.privacy(.set, XMPPElement("default", namespace: Namespace.privacy))
        #expect(await juliet.inbox.presence { $0.fromAttribute == "romeo@example.net/orchard" && $0.status == "sighing" } != nil)
        for online in [juliet, romeo] { await online.close() }
        await server.stop()
    }

    @Test func groupAndSubscriptionItemsFollowTheRoster() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "tybalt@example.net", "romeo@example.net", "paris@example.net"])
        try await server.befriend("juliet@example.com", "tybalt@example.net")
        try await server.befriend("juliet@example.com", "romeo@example.net")
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        try await juliet.available()
        try await juliet.setRosterItem("tybalt@example.net", groups: ["Enemies"])
        // §2.1: a group item names a group of the roster.
        let unknownGroup = Lists.list("strict", Lists.item(type: "group", value: "Montagues", order: "1"))
        #expect(await juliet.privacyError(.set, unknownGroup) == .itemNotFound)
        try await juliet.privacy(.set, Lists.list(
            "strict",
            Lists.item(type: "group", value: "Enemies", order: "1", "message"),
            Lists.item(type: "subscription", value: "none", order: "2", "message")))
        try await juliet.privacy(.set, XMPPElement("default", namespace: Namespace.privacy, ["name": "strict"]))
        var senders: [String: Online] = [:]
        for name in ["tybalt", "romeo", "paris"] {
            senders[name] = try await Online.connect(server, "\(name)@example.net/home")
        }
        for (name, online) in senders.sorted(by: { $0.key < $1.key }) {
            try await online.client.send(Message(type: .chat, to: try JID("juliet@example.com"), body: "from \(name)"))
        }
        #expect(await juliet.inbox.message()?.body == "from romeo")
        #expect(await senders["tybalt"]?.inbox.message { $0.isError }?.error?.condition == .serviceUnavailable)
        // Not in the roster at all counts as subscription none.
        #expect(await senders["paris"]?.inbox.message { $0.isError }?.error?.condition == .serviceUnavailable)
        #expect(await juliet.inbox.message(within: .milliseconds(300)) == nil)

        // §2.2 rule 9: a roster change counts at once.
        try await juliet.setRosterItem("tybalt@example.net", groups: ["Family"])
        try await senders["tybalt"]?.client.send(Message(type: .chat, to: try JID("juliet@example.com"), body: "cousin"))
        #expect(await juliet.inbox.message()?.body == "cousin")
        await juliet.close()
        for online in senders.values { await online.close() }
        await server.stop()
    }

    @Test func anActiveListReplacesTheDefaultForItsSession() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        let balcony = try await Online.connect(server, "juliet@example.com/balcony")
        let chamber = try await Online.connect(server, "juliet@example.com/chamber")
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        try await balcony.available()
        try await chamber.available()
        try await balcony.privacy(.set, Lists.list("quiet", Lists.item(type: "jid", value: "romeo@example.net", order: "1", "message")))
        try await balcony.privacy(.set, Lists.list("open", Lists.item(action: "allow", order: "1")))
        try await balcony.privacy(.set, XMPPElement("default", namespace: Namespace.privacy, ["name": "quiet"]))
        try await balcony.privacy(.set, XMPPElement("active", namespace: Namespace.privacy, ["name": "open"]))
        let names = try await balcony.privacy(.get)
        #expect(names.payload?.firstElement(named: "active")?[attribute: "name"] == "open")
        #expect(names.payload?.elements(named: "list").compactMap { $0[attribute: "name"] } == ["open", "quiet"])
        let chamberNames = try await chamber.privacy(.get)
        #expect(chamberNames.payload?.firstElement(named: "active")?[attribute: "name"] == nil)
        #expect(chamberNames.payload?.firstElement(named: "default")?[attribute: "name"] == "quiet")

        // §2.2 rule 1: the active list only, no layering.
        try await romeo.client.send(Message(type: .chat, to: try JID("juliet@example.com/balcony"), body: "to the balcony"))
        #expect(await balcony.inbox.message()?.body == "to the balcony")
        try await romeo.client.send(Message(type: .chat, to: try JID("juliet@example.com/chamber"), body: "to the chamber"))
        #expect(await romeo.inbox.message { $0.isError }?.error?.condition == .serviceUnavailable)
        // To the bare JID, each session that would get it judges by its own list:
        // the balcony (active "open") takes it, the chamber (default "quiet") does not,
        // and Romeo hears of no refusal since one session took it.
        try await romeo.client.send(Message(type: .chat, to: try JID("juliet@example.com"), body: "to anyone"))
        #expect(await balcony.inbox.message()?.body == "to anyone")
        #expect(await chamber.inbox.message(within: .milliseconds(300)) == nil)
        #expect(await romeo.inbox.message(within: .milliseconds(100)) { $0.isError } == nil)

        // §2.4: declining the active list brings the default back.
        try await balcony.privacy(.set, XMPPElement("active", namespace: Namespace.privacy))
        try await romeo.client.send(Message(type: .chat, to: try JID("juliet@example.com/balcony"), body: "again"))
        #expect(await romeo.inbox.message { $0.isError }?.error?.condition == .serviceUnavailable)
        #expect(await balcony.inbox.message(within: .milliseconds(300)) == nil)
        for online in [balcony, chamber, romeo] { await online.close() }
        await server.stop()
    }

    @Test func listsInUseByAnotherResourceCannotBeRemovedNorTheirDefaultChanged() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"])
        let balcony = try await Online.connect(server, "juliet@example.com/balcony")
        let chamber = try await Online.connect(server, "juliet@example.com/chamber")
        let list = { (name: String) in Lists.list(name, Lists.item(type: "jid", value: "tybalt@example.net", order: "1")) }
        let element = { (name: String, list: String?) in XMPPElement(name, namespace: Namespace.privacy, ["name": list]) }
        try await balcony.privacy(.set, list("a"))
        try await balcony.privacy(.set, list("b"))
        try await balcony.privacy(.set, element("default", "b"))
        // §2.5, §2.8: the default applies to the chamber, which has no active list.
        #expect(await balcony.privacyError(.set, Lists.list("b")) == .conflict)
        #expect(await balcony.privacyError(.set, element("default", "a")) == .conflict)
        #expect(await balcony.privacyError(.set, element("default", nil)) == .conflict)
        try await chamber.privacy(.set, element("active", "a"))
        #expect(await balcony.privacyError(.set, Lists.list("a")) == .conflict)
        try await balcony.privacy(.set, element("default", nil))
        try await balcony.privacy(.set, Lists.list("b"))
        #expect(await balcony.privacyError(.get, Lists.list("b")) == .itemNotFound)
        // Once the other session is gone, the list is the user's to remove, default or not.
        await chamber.close()
        try await Task.sleep(for: .milliseconds(200))
        try await balcony.privacy(.set, element("default", "a"))
        try await balcony.privacy(.set, Lists.list("a"))
        let names = try await balcony.privacy(.get)
        #expect(names.payload?.firstElement(named: "default")?[attribute: "name"] == nil)
        #expect(names.payload?.elements(named: "list").isEmpty == true)

        // The other errors §2 names.
        #expect(await balcony.privacyError(.set, Lists.list("zzz")) == .itemNotFound)
        #expect(await balcony.privacyError(.set, element("active", "zzz")) == .itemNotFound)
        #expect(await balcony.privacyError(.set, element("default", "zzz")) == .itemNotFound)
        #expect(await balcony.privacyError(.get, Lists.list("zzz")) == .itemNotFound)
        #expect(await balcony.privacyError(.get, Lists.list("a"), Lists.list("b")) == .badRequest)
        #expect(await balcony.privacyError(.set, element("active", "a"), element("default", "a")) == .badRequest)
        let twice = Lists.list("c", Lists.item(order: "1"), Lists.item(action: "allow", order: "1"))
        #expect(await balcony.privacyError(.set, twice) == .badRequest)
        await balcony.close()
        await server.stop()
    }

    @Test func changesArePushedToEveryResource() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"])
        let balcony = try await Online.connect(server, "juliet@example.com/balcony")
        let chamber = try await Online.connect(server, "juliet@example.com/chamber")
        try await balcony.privacy(.set, Lists.list("public", Lists.item(type: "jid", value: "tybalt@example.net", order: "1")))
        // §2.6: each connected resource, the sender's included, gets the list's name.
        #expect(await chamber.inbox.privacyPush("public"))
        #expect(await balcony.inbox.privacyPush("public"))
        let list = try await chamber.privacy(.get, Lists.list("public"))
        #expect(list.payload?.firstElement(named: "list")?.elements(named: "item").first?[attribute: "value"] == "tybalt@example.net")
        // Removing a list is pushed as well.
        try await balcony.privacy(.set, Lists.list("public"))
        #expect(await chamber.inbox.privacyPush("public"))
        try await balcony.privacy(.set, Lists.list("other", Lists.item(order: "1")))
        #expect(await chamber.inbox.privacyPush("other"))
        // Choosing a list changes no list: nothing is pushed.
        try await balcony.privacy(.set, XMPPElement("active", namespace: Namespace.privacy, ["name": "other"]))
        #expect(await chamber.inbox.privacyPush(nil, within: .milliseconds(300)) == false)
        for online in [balcony, chamber] { await online.close() }
        await server.stop()
    }

    @Test func subscriptionRequestsFromADeniedContactChangeNothing() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "paris@example.net"])
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        try await juliet.available()
        try await juliet.privacy(.set, Lists.list("no-paris", Lists.item(type: "jid", value: "paris@example.net", order: "1")))
        try await juliet.privacy(.set, XMPPElement("default", namespace: Namespace.privacy, ["name": "no-paris"]))
        let paris = try await Online.connect(server, "paris@example.net/castle")
        // §2.2 rule 4: the list comes before subscription handling.
        try await paris.send(.subscribe, to: "juliet@example.com")
        _ = try await paris.ask(to: "example.net", XMPPElement("ping", namespace: Namespace.ping))
        #expect(await juliet.inbox.presence(within: .milliseconds(300)) { $0.type == .subscribe } == nil)
        let pending = try await server.server.context.router.storage.rosters.pendingRequests(of: try JID("juliet@example.com"))
        #expect(pending.isEmpty)
        for online in [juliet, paris] { await online.close() }
        await server.stop()
    }

    @Test func theModuleIsAdvertisedAndCanBeSwitchedOff() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"])
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let info = try await juliet.ask(to: "example.com", XMPPElement("query", namespace: Namespace.discoInfo))
        #expect(info.payload?.elements(named: "feature").contains { $0[attribute: "var"] == Namespace.privacy } == true)
        await juliet.close()
        await server.stop()

        let without = try await TestServer(accounts: ["juliet@example.com"]) { $0.modules.disabled = ["privacy"] }
        let again = try await Online.connect(without, "juliet@example.com/balcony")
        #expect(await again.privacyError(.get) == .serviceUnavailable)
        await again.close()
        await without.stop()
    }
}

extension Online {
    /// A `jabber:iq:privacy` query holding `children`.
    @discardableResult
    func privacy(_ type: IQType, _ children: XMPPElement...) async throws -> IQ {
        try await ask(type, XMPPElement("query", namespace: Namespace.privacy) { children })
    }

    /// The condition a privacy query fails with.
    func privacyError(_ type: IQType, _ children: XMPPElement...) async -> StanzaError.Condition? {
        await stanzaError { _ = try await ask(type, XMPPElement("query", namespace: Namespace.privacy) { children }) }?.condition
    }
}

extension Inbox {
    /// Takes a privacy list push (XEP-0016 §2.6) naming `list` (nil: any).
    func privacyPush(_ list: String?, within timeout: Duration = .seconds(5)) async -> Bool {
        await take(within: timeout) {
            guard case .iq(let iq) = $0, iq.type == .set,
                  let pushed = iq.payload(named: "query", namespace: Namespace.privacy)?.firstElement(named: "list")
            else { return false }
            return list == nil || pushed[attribute: "name"] == list
        } != nil
    }
}
