import Foundation
import NeedletailStorage
import Testing
import XMPPClient
import XMPPCore
import XMPPStreams
@testable import NeedletailServer

/// XEP-0077 over real connections: registering before login on a trusted
/// loopback listener (raw XML, as `XMPPClient` always logs in first), then
/// password changes and account removal over TLS with `XMPPClient`.
@Suite("In-band registration (XEP-0077)", .serialized)
struct RegistrationEndToEndTests {
    /// A test server with a third, trusted-plaintext listener (`ports[2]`).
    static func server(allowing: Bool, accounts: [String] = []) async throws -> TestServer {
        try await TestServer(accounts: accounts) {
            $0.listeners.append(ListenerConfiguration(host: "127.0.0.1", port: 0, tls: .trustedPlaintext))
            $0.modules.allowsRegistration = allowing
        }
    }

    static func offersRegistration(_ features: XMPPElement?) -> Bool {
        features?.firstElement(named: "register", namespace: Namespace.registerFeature) != nil
    }

    static func account(_ server: TestServer, _ localpart: String) async throws -> Bool {
        try await server.server.accounts.credentials(localpart: localpart, domain: "example.com") != nil
    }

    static let benvolio = ["username": "Benvolio", "password": "m3rcut10"]

    @Test func registrationIsRefusedWhenNotAllowed() async throws {
        let server = try await Self.server(allowing: false)
        let (raw, features) = try await RawStream.open(port: server.ports[2])
        #expect(features != nil)
        #expect(!Self.offersRegistration(features))
        let answer = try #require(try await raw.register(.set, id: "r1", fields: Self.benvolio))
        #expect(answer.type == .error)
        #expect(answer.error?.condition == .notAllowed)
        // The request held a password: it is not sent back.
        #expect(answer.payload == nil)
        #expect(try await !Self.account(server, "benvolio"))
        await raw.close()
        await server.stop()
    }

    @Test func registeredAccountLogsInOnTheSameStreamAndOverTLS() async throws {
        let server = try await Self.server(allowing: true)
        let (raw, features) = try await RawStream.open(port: server.ports[2])
        #expect(Self.offersRegistration(features))
        let form = try #require(try await raw.register(.get, id: "form"))
        #expect(form.type == .result)
        for field in ["instructions", "username", "password"] {
            #expect(form.payload?.firstElement(named: field, namespace: Namespace.register) != nil)
        }
        let created = try #require(try await raw.register(.set, id: "r1", fields: Self.benvolio))
        #expect(created.type == .result)
        // The username was prepared as a localpart (RFC 7622 §3.3): lower case.
        #expect(try await Self.account(server, "benvolio"))
        #expect(try await raw.authenticate("benvolio", password: "m3rcut10"))
        await raw.close()
        let client = try server.client("benvolio@example.com/home", password: "m3rcut10")
        try await client.connect()
        #expect(client.boundJID?.description == "benvolio@example.com/home")
        await client.close()
        await server.stop()
    }

    @Test func takenUsernamesAndBadFieldsAreRefusedWithoutUsingTheAllowance() async throws {
        let server = try await Self.server(allowing: true, accounts: ["juliet@example.com"])
        let (raw, _) = try await RawStream.open(port: server.ports[2])
        let taken = try #require(try await raw.register(.set, id: "r1", fields: ["username": "juliet", "password": "other"]))
        #expect(taken.error?.condition == .conflict)
        let noPassword = try #require(try await raw.register(.set, id: "r2", fields: ["username": "mercutio", "password": ""]))
        #expect(noPassword.error?.condition == .notAcceptable)
        let badName = try #require(try await raw.register(.set, id: "r3", fields: ["username": "mer cutio", "password": "x"]))
        #expect(badName.error?.condition == .notAcceptable)
        let removal = try #require(try await raw.register(.set, id: "r4", fields: ["remove": ""]))
        #expect(removal.error?.condition == .unexpectedRequest)
        // None of those counted against this address.
        let created = try #require(try await raw.register(.set, id: "r5", fields: Self.benvolio))
        #expect(created.type == .result)
        // The old account keeps its password.
        let juliet = try await server.connected("juliet@example.com")
        await juliet.close()
        await raw.close()
        await server.stop()
    }

    @Test func anAddressRegistersOneAccountPerInterval() async throws {
        let server = try await Self.server(allowing: true)
        let (first, _) = try await RawStream.open(port: server.ports[2])
        #expect(try await first.register(.set, id: "r1", fields: Self.benvolio)?.type == .result)
        await first.close()
        // Another connection from 127.0.0.1 within the minute.
        let (second, _) = try await RawStream.open(port: server.ports[2])
        let refused = try #require(try await second.register(.set, id: "r2", fields: ["username": "mercutio", "password": "qu33nmab"]))
        #expect(refused.error?.condition == .resourceConstraint)
        #expect(refused.error?.type == .wait)
        #expect(try await !Self.account(server, "mercutio"))
        await second.close()
        await server.stop()
    }

    @Test func passwordChangeReplacesTheKeys() async throws {
        // Registration stays closed: password changes do not need it.
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let query = { (fields: [XMPPElement]) in XMPPElement("query", namespace: Namespace.register) { fields } }
        let field = { (name: String, text: String) in XMPPElement(name, namespace: Namespace.register, text: text) }
        let info = try await juliet.ask(query([]))
        #expect(info.payload?.firstElement(named: "registered", namespace: Namespace.register) != nil)
        #expect(info.payload?.childText("username", namespace: Namespace.register) == "juliet")
        // XEP-0077 §3.3: only one's own password, never an empty one.
        #expect(await stanzaError { _ = try await juliet.ask(.set, query([field("username", "romeo"), field("password", "x")])) }?.condition == .notAllowed)
        #expect(await stanzaError { _ = try await juliet.ask(.set, query([field("username", "juliet"), field("password", "")])) }?.condition == .badRequest)
        #expect(await stanzaError { _ = try await juliet.ask(.set, query([field("password", "n3wpassw0rd")])) }?.condition == .badRequest)
        // Addressed to another account, it is nobody's registration here.
        #expect(await stanzaError { _ = try await juliet.ask(.set, to: "romeo@example.net", query([field("username", "juliet"), field("password", "x")])) }?.condition == .serviceUnavailable)
        let changed = try await juliet.ask(.set, to: "example.com", query([field("username", "juliet"), field("password", "n3wpassw0rd")]))
        #expect(changed.type == .result)
        await juliet.close()
        let old = try server.client("juliet@example.com", password: TestServer.password)
        do {
            try await old.connect()
            Issue.record("the old password still works")
        } catch {
            #expect(error.code == .authenticationFailed)
        }
        let again = try server.client("juliet@example.com", password: "n3wpassw0rd")
        try await again.connect()
        await again.close()
        await server.stop()
    }

    @Test func removalDeletesEverythingAndEndsEverySession() async throws {
        let server = try await TestServer(accounts: ["juliet@example.com", "romeo@example.net"])
        try await server.befriend("juliet@example.com", "romeo@example.net")
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let chamber = try await Online.connect(server, "juliet@example.com/chamber")
        let romeo = try await Online.connect(server, "romeo@example.net/orchard")
        let bareJuliet = try JID("juliet@example.com")
        let vCard = XMPPElement("vCard", namespace: Namespace.vcard) { XMPPElement("FN", namespace: Namespace.vcard, text: "Juliet") }
        let bookmarks = XMPPElement("query", namespace: Namespace.privateStorage) {
            XMPPElement("storage", namespace: "storage:bookmarks") { XMPPElement("conference", namespace: "storage:bookmarks", ["jid": "verona@chat.example.com"]) }
        }
        _ = try await juliet.ask(.set, vCard)
        _ = try await juliet.ask(.set, bookmarks)
        try await juliet.setRosterItem("nurse@example.com", name: "Nurse")
        // Neither of Juliet's sessions is available, so this waits offline.
        try await romeo.client.send(Message(type: .chat, to: bareJuliet, body: "wherefore"))
        let storage = server.server.context.router.storage
        var waited = 0
        while try await storage.offline.count(of: bareJuliet) == 0, waited < 250 {
            try await Task.sleep(for: .milliseconds(20))
            waited += 1
        }
        #expect(try await storage.offline.count(of: bareJuliet) == 1)
        #expect(try await storage.rosters.roster(of: bareJuliet).items.count == 2)

        let remove = XMPPElement("query", namespace: Namespace.register) { XMPPElement("remove", namespace: Namespace.register) }
        let notAlone = XMPPElement("query", namespace: Namespace.register) {
            XMPPElement("remove", namespace: Namespace.register)
            XMPPElement("username", namespace: Namespace.register, text: "juliet")
        }
        // §3.2: <remove/> must be alone.
        #expect(await stanzaError { _ = try await juliet.ask(.set, notAlone) }?.condition == .badRequest)
        #expect(try await juliet.ask(.set, remove).type == .result)
        // §3.2: every session of the account ends with <not-authorized/>.
        for online in [juliet, chamber] {
            var ended = online.client.terminationError
            for _ in 0..<250 where ended == nil {
                try await Task.sleep(for: .milliseconds(20))
                ended = online.client.terminationError
            }
            #expect(ended?.streamError?.condition == .notAuthorized)
        }
        #expect(try await storage.accounts.credentials(localpart: "juliet", domain: "example.com") == nil)
        // Romeo's subscriptions with Juliet were cancelled both ways, as a roster removal does.
        let romeoItem = try await storage.rosters.entry(of: JID("romeo@example.net"), contact: bareJuliet).item
        #expect(romeoItem?.subscription == RosterItem.Subscription.none)

        // A new account of that name starts with nothing.
        _ = try await AccountAdministration(store: server.server.accounts, domains: server.domains, iterations: 4096)
            .add("juliet@example.com", password: TestServer.password)
        #expect(try await storage.offline.count(of: bareJuliet) == 0)
        #expect(try await storage.rosters.roster(of: bareJuliet).items.isEmpty)
        let back = try await Online.connect(server, "juliet@example.com/balcony")
        #expect(try await back.roster()?.items.isEmpty == true)
        let newVCard = try await back.ask(XMPPElement("vCard", namespace: Namespace.vcard))
        #expect(newVCard.payload?.children.isEmpty == true)
        let newBookmarks = try await back.ask(XMPPElement("query", namespace: Namespace.privateStorage) {
            XMPPElement("storage", namespace: "storage:bookmarks")
        })
        #expect(newBookmarks.payload?.firstElement(named: "storage", namespace: "storage:bookmarks")?.children.isEmpty == true)
        try await back.available()
        #expect(await back.inbox.message(within: .milliseconds(300)) == nil)
        for online in [back, romeo] { await online.close() }
        await server.stop()
    }
}
