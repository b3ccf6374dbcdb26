import Foundation
import Testing
import XMPPClient
import XMPPCore
@testable import NeedletailServer

/// The everyday XEPs the server answers, over real connections.
@Suite("Everyday XEPs", .serialized)
struct EverydayXEPEndToEndTests {
    @Test func vCardsAreStoredReadByOthersAndTheirAvatarHashIsInPresence() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        try await server.befriend("juliet@example.com", "romeo@example.net")
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        // XEP-0054 §3.1: no vCard yet is an empty one for the owner.
        let empty = try await juliet.ask(XMPPElement("vCard", namespace: Namespace.vcard))
        #expect(empty.payload(named: "vCard", namespace: Namespace.vcard)?.children.isEmpty == true)
        #expect(await stanzaError { _ = try await romeo.ask(to: "juliet@example.com", XMPPElement("vCard", namespace: Namespace.vcard)) }?.condition == .itemNotFound)
        let photo = Data("not really a png".utf8)
        let vCard = XMPPElement("vCard", namespace: Namespace.vcard) {
            XMPPElement("FN", namespace: Namespace.vcard, text: "Juliet Capulet")
            XMPPElement("PHOTO", namespace: Namespace.vcard) {
                XMPPElement("TYPE", namespace: Namespace.vcard, text: "image/png")
                XMPPElement("BINVAL", namespace: Namespace.vcard, text: photo.base64EncodedString())
            }
        }
        _ = try await juliet.ask(.set, vCard)
        let read = try await romeo.ask(to: "juliet@example.com", XMPPElement("vCard", namespace: Namespace.vcard))
        #expect(read.payload(named: "vCard", namespace: Namespace.vcard)?.childText("FN", namespace: Namespace.vcard) == "Juliet Capulet")
        // §3.3: only the owner writes.
        #expect(await stanzaError { _ = try await romeo.ask(.set, to: "juliet@example.com", vCard) }?.condition == .forbidden)
        // XEP-0153: the hash of the photo goes with Juliet's presence.
        try await romeo.available()
        try await juliet.available()
        let presence = try #require(await romeo.inbox.presence { $0.fromAttribute == "juliet@example.com/balcony" })
        let hash = presence.payload(named: "x", namespace: Namespace.vcardUpdate)?.childText("photo", namespace: Namespace.vcardUpdate)
        #expect(hash?.count == 40)
        #expect(hash == VCardModule.photoHash(of: vCard))
        for online in [juliet, romeo] { await online.close() }
        await server.stop()
    }

    /// The hash in presence follows the vCard: set after the first presence (the
    /// module keeps the hash of accounts online in memory), replaced, and read
    /// from storage again at a later login.
    @Test func theAvatarHashInPresenceFollowsVCardChangesAndLogins() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        try await server.befriend("juliet@example.com", "romeo@example.net")
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        try await romeo.available()
        var juliet = try await Online.connect(server, "juliet@example.com/balcony")
        try await juliet.available()
        let julietsHash = { () async throws -> String? in
            let presence = try #require(await romeo.inbox.presence { $0.fromAttribute == "juliet@example.com/balcony" && $0.type == .available })
            return presence.payload(named: "x", namespace: Namespace.vcardUpdate)?.childText("photo", namespace: Namespace.vcardUpdate)
        }
        #expect(try await julietsHash() == nil, "no vCard stored: no hash")

        let withPhoto = XMPPElement("vCard", namespace: Namespace.vcard) {
            XMPPElement("PHOTO", namespace: Namespace.vcard) {
                XMPPElement("BINVAL", namespace: Namespace.vcard, text: Data("a portrait".utf8).base64EncodedString())
            }
        }
        _ = try await juliet.ask(.set, withPhoto)
        try await juliet.available()
        #expect(try await julietsHash() == VCardModule.photoHash(of: withPhoto))

        _ = try await juliet.ask(.set, XMPPElement("vCard", namespace: Namespace.vcard) {
            XMPPElement("FN", namespace: Namespace.vcard, text: "Juliet")
        })
        try await juliet.available()
        #expect(try await julietsHash() == "", "a vCard without a photo: an empty <photo/>")

        _ = try await juliet.ask(.set, withPhoto)
        await juliet.close()
        _ = await romeo.inbox.presence { $0.fromAttribute == "juliet@example.com/balcony" && $0.type == .unavailable }
        juliet = try await Online.connect(server, "juliet@example.com/balcony")
        try await juliet.available()
        #expect(try await julietsHash() == VCardModule.photoHash(of: withPhoto), "the hash is read again at the next login")
        for online in [juliet, romeo] { await online.close() }
        await server.stop()
    }

    @Test func privateStorageIsTheAccountsOwn() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        let bookmarks = XMPPElement("storage", namespace: "storage:bookmarks") {
            XMPPElement("conference", namespace: "storage:bookmarks", ["jid": "verona@chat.example.com", "name": "Verona"])
        }
        let query = { (child: XMPPElement) in XMPPElement("query", namespace: Namespace.privateStorage) { child } }
        // XEP-0049 §3.2: nothing stored answers the empty element.
        let none = try await juliet.ask(query(XMPPElement("storage", namespace: "storage:bookmarks")))
        #expect(none.payload?.firstElement(named: "storage", namespace: "storage:bookmarks")?.children.isEmpty == true)
        _ = try await juliet.ask(.set, query(bookmarks))
        let stored = try await juliet.ask(query(XMPPElement("storage", namespace: "storage:bookmarks")))
        #expect(stored.payload?.firstElement(named: "storage", namespace: "storage:bookmarks") == bookmarks)
        #expect(await stanzaError { _ = try await romeo.ask(to: "juliet@example.com", query(bookmarks)) }?.condition == .forbidden)
        #expect(await stanzaError { _ = try await juliet.ask(.set, query(XMPPElement("x", namespace: Namespace.privateStorage))) }?.condition == .notAcceptable)
        for online in [juliet, romeo] { await online.close() }
        await server.stop()
    }

    @Test func blockedContactsCannotReachTheUserNorTheUserThem() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "tybalt@example.net"])
        try await server.befriend("juliet@example.com", "tybalt@example.net")
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let tybalt = try await Online.connect(server, "tybalt@example.net/street")
        try await tybalt.available()
        try await juliet.available()
        _ = await tybalt.inbox.presence { $0.fromAttribute == "juliet@example.com/balcony" }
        let list = try await juliet.ask(XMPPElement("blocklist", namespace: Namespace.blocking))
        #expect(list.payload?.children.isEmpty == true)
        _ = try await juliet.ask(.set, XMPPElement("block", namespace: Namespace.blocking) {
            XMPPElement("item", namespace: Namespace.blocking, ["jid": "tybalt@example.net"])
        })
        // XEP-0191 §3.3: the blocked contact sees the user go.
        #expect(await tybalt.inbox.presence { $0.fromAttribute == "juliet@example.com/balcony" && $0.type == .unavailable } != nil)
        // §3.3: the change is pushed to resources that asked for the list.
        #expect(await juliet.inbox.take { if case .iq(let iq) = $0 { iq.payload(named: "block", namespace: Namespace.blocking) != nil } else { false } } != nil)
        // §3.5: from the blocked contact nothing arrives; a message bounces.
        try await tybalt.client.send(Message(type: .chat, to: try JID("juliet@example.com"), body: "draw!"))
        #expect(await tybalt.inbox.message { $0.isError }?.error?.condition == .serviceUnavailable)
        #expect(await juliet.inbox.message(within: .milliseconds(300)) == nil)
        // §3.6: to the blocked contact nothing leaves.
        try await juliet.client.send(Message(type: .chat, to: try JID("tybalt@example.net"), body: "hello?"))
        let refused = try #require(await juliet.inbox.message { $0.isError })
        #expect(refused.error?.condition == .notAcceptable)
        #expect(refused.error?.applicationCondition?.name == "blocked")
        // The block holds for offline storage too.
        await juliet.close()
        try await tybalt.client.send(Message(type: .chat, to: try JID("juliet@example.com"), body: "while you sleep"))
        #expect(await tybalt.inbox.message { $0.isError }?.error?.condition == .serviceUnavailable)
        let back = try await Online.connect(server, "juliet@example.com/balcony")
        try await back.available()
        #expect(await back.inbox.message(within: .milliseconds(400)) == nil)
        // §3.4: unblocking everyone lets messages through again.
        _ = try await back.ask(.set, XMPPElement("unblock", namespace: Namespace.blocking))
        try await tybalt.client.send(Message(type: .chat, to: try JID("juliet@example.com"), body: "peace"))
        #expect(await back.inbox.message()?.body == "peace")
        for online in [back, tybalt] { await online.close() }
        await server.stop()
    }

    @Test func versionTimeAndLastActivity() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        try await server.befriend("juliet@example.com", "romeo@example.net")
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let version = try await juliet.ask(to: "example.com", XMPPElement("query", namespace: Namespace.version))
        #expect(version.payload?.childText("name", namespace: Namespace.version) == "Needletail")
        #expect(version.payload?.childText("version", namespace: Namespace.version) != nil)
        let time = try await juliet.ask(to: "example.com", XMPPElement("time", namespace: Namespace.time))
        let utc = try #require(time.payload?.childText("utc", namespace: Namespace.time))
        let parsed = try Date(utc, strategy: .iso8601)
        #expect(abs(parsed.timeIntervalSinceNow) < 60)
        #expect(time.payload?.childText("tzo", namespace: Namespace.time)?.count == 6)
        let uptime = try await juliet.ask(to: "example.com", XMPPElement("query", namespace: Namespace.lastActivity))
        #expect(uptime.payload?[attribute: "seconds"].flatMap(Int.init) != nil)
        // XEP-0012 §4: an online contact that says it is idle (XEP-0319) has been for that long...
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        var idle = Presence()
        idle.element.append(XMPPElement("idle", namespace: Namespace.idle, ["since": Date(timeIntervalSinceNow: -600).formatted(.iso8601)]))
        try await romeo.client.send(idle)
        _ = await romeo.inbox.presence { $0.fromAttribute == "romeo@example.net/orchard" }
        let idleFor = try await juliet.ask(to: "romeo@example.net", XMPPElement("query", namespace: Namespace.lastActivity))
        let idleSeconds = try #require(idleFor.payload?[attribute: "seconds"].flatMap(Int.init))
        #expect((595...660).contains(idleSeconds))
        // ... one that is not idle, 0 ...
        try await romeo.available()
        let active = try await juliet.ask(to: "romeo@example.net", XMPPElement("query", namespace: Namespace.lastActivity))
        #expect(active.payload?[attribute: "seconds"] == "0")
        // ... and one that left, the time since and the status it left with.
        var goodbye = Presence(type: .unavailable)
        goodbye.setStatus("to Mantua", language: nil)
        try await romeo.client.send(goodbye)
        await romeo.close()
        var last: IQ?
        for _ in 0..<50 {
            last = try? await juliet.ask(to: "romeo@example.net", XMPPElement("query", namespace: Namespace.lastActivity))
            if last?.payload?.text == "to Mantua" { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(last?.payload?.text == "to Mantua")
        #expect(last?.payload?[attribute: "seconds"].flatMap(Int.init).map { $0 < 60 } == true)
        await juliet.close()
        await server.stop()
    }

    @Test func versionDetailsCanBeHidden() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"]) { $0.modules.hidesVersion = true }
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let version = try await juliet.ask(to: "example.com", XMPPElement("query", namespace: Namespace.version))
        #expect(version.payload?.childText("name", namespace: Namespace.version) == "Needletail")
        #expect(version.payload?.childText("version", namespace: Namespace.version) == nil)
        #expect(version.payload?.childText("os", namespace: Namespace.version) == nil)
        await juliet.close()
        await server.stop()
    }

    @Test func discoOnAccountsIsForTheAccountAndItsContacts() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net", "paris@example.net"])
        try await server.befriend("juliet@example.com", "romeo@example.net")
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        let paris = try await Online.connect(server, "paris@example.net/castle")
        for asker in [juliet, romeo] {
            let info = try await asker.ask(to: "juliet@example.com", XMPPElement("query", namespace: Namespace.discoInfo))
            let identity = info.payload?.firstElement(named: "identity", namespace: Namespace.discoInfo)
            #expect(identity?[attribute: "category"] == "account")
            #expect(identity?[attribute: "type"] == "registered")
            let features = info.payload?.elements(named: "feature", namespace: Namespace.discoInfo).compactMap { $0[attribute: "var"] } ?? []
            #expect(features.contains(Namespace.vcard))
            #expect(features.contains(Namespace.blocking))
        }
        #expect(await stanzaError { _ = try await paris.ask(to: "juliet@example.com", XMPPElement("query", namespace: Namespace.discoInfo)) }?.condition == .serviceUnavailable)
        for online in [juliet, romeo, paris] { await online.close() }
        await server.stop()
    }

    @Test func discoListsExactlyTheLoadedModulesAndADisabledOneIsGone() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"]) {
            $0.modules.disabled = ["vcard", "version"]
            $0.modules.contactAddresses = ["admin-addresses": ["mailto:admin@example.com", "xmpp:admin@example.com"]]
        }
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let info = try await juliet.ask(to: "example.com", XMPPElement("query", namespace: Namespace.discoInfo))
        let features = info.payload?.elements(named: "feature", namespace: Namespace.discoInfo).compactMap { $0[attribute: "var"] } ?? []
        #expect(features == server.server.context.router.modules.features)
        #expect(!features.contains(Namespace.vcard))
        #expect(!features.contains(Namespace.version))
        for expected in [Namespace.roster, Namespace.blocking, Namespace.privateStorage, Namespace.time, Namespace.lastActivity,
                         Namespace.ping, Namespace.offlineMessages, Namespace.discoInfo] {
            #expect(features.contains(expected), "\(expected)")
        }
        // XEP-0128 / XEP-0157: the contact addresses form.
        let form = try #require(try info.payload?.firstElement(named: "x", namespace: Namespace.dataForms).map { try DataForm(element: $0) })
        #expect(form.formType == ContactAddresses.formType)
        #expect(form["admin-addresses"]?.values == ["mailto:admin@example.com", "xmpp:admin@example.com"])
        // A disabled module's requests are service-unavailable.
        #expect(await stanzaError { _ = try await juliet.ask(XMPPElement("vCard", namespace: Namespace.vcard)) }?.condition == .serviceUnavailable)
        // XEP-0115: the server's caps node#ver answers as disco#info does.
        let caps = try #require(server.server.context.router.modules.capabilities)
        let byNode = try await juliet.ask(to: "example.com", XMPPElement("query", namespace: Namespace.discoInfo, ["node": caps.node + "#" + caps.ver]))
        #expect(CapsVerification.ver(of: try #require(byNode.payload)) == caps.ver)
        await juliet.close()
        await server.stop()
    }

    @Test func removingAnAccountDeletesEverythingItStored() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        try await juliet.setRosterItem("nurse@example.com", name: "Nurse")
        _ = try await juliet.ask(.set, XMPPElement("vCard", namespace: Namespace.vcard) { XMPPElement("FN", namespace: Namespace.vcard, text: "J") })
        _ = try await juliet.ask(.set, XMPPElement("query", namespace: Namespace.privateStorage) { XMPPElement("notes", namespace: "urn:example:notes", text: "secret") })
        _ = try await juliet.ask(.set, XMPPElement("block", namespace: Namespace.blocking) { XMPPElement("item", namespace: Namespace.blocking, ["jid": "paris@example.net"]) })
        await juliet.close()
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        try await romeo.client.send(Message(type: .chat, to: try JID("juliet@example.com"), body: "kept offline"))
        _ = try await romeo.ask(to: "example.net", XMPPElement("ping", namespace: Namespace.ping))

        let administration = AccountAdministration(store: server.server.accounts, domains: server.domains, iterations: 4096)
        try await administration.delete("juliet@example.com")
        _ = try await administration.add("juliet@example.com", password: TestServer.password)
        let reborn = try await Online.connect(server, "juliet@example.com/balcony")
        #expect(try await reborn.roster()?.items.isEmpty == true)
        #expect(try await reborn.ask(XMPPElement("vCard", namespace: Namespace.vcard)).payload?.children.isEmpty == true)
        let notes = try await reborn.ask(XMPPElement("query", namespace: Namespace.privateStorage) { XMPPElement("notes", namespace: "urn:example:notes") })
        #expect(notes.payload?.firstElement(named: "notes")?.text == "")
        #expect(try await reborn.ask(XMPPElement("blocklist", namespace: Namespace.blocking)).payload?.children.isEmpty == true)
        try await reborn.available()
        #expect(await reborn.inbox.message(within: .milliseconds(400)) == nil)
        for online in [reborn, romeo] { await online.close() }
        await server.stop()
    }
}
