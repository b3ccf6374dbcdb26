import Logging
import NeedletailStorage
import NIOCore
import NIOEmbedded
import Testing
import XMPPCore
@testable import NeedletailServer

/// RFC 6120 §10 and RFC 6121 §8 routing decisions, one rule per test, over a real
/// registry of sessions on embedded channels.
@Suite("Routing for local domains (RFC 6120 §10, RFC 6121 §8)")
struct RouterTests {
    let registry = SessionRegistry()
    let router: Router

    init() throws {
        let database = try SQLiteDatabase.temporary()
        router = Router(
            registry: registry, hostedDomains: ["example.com", "example.net"],
            modules: ModuleRegistry(modules: ModulesConfiguration().enabled()),
            storage: ServerStorage(
                accounts: SQLiteAccountStore(database: database), rosters: SQLiteRosterStore(database: database),
                offline: SQLiteOfflineStore(database: database), accountData: SQLiteAccountDataStore(database: database)),
            logger: Logger(label: "test"))
    }

    /// Binds a session and sets its presence; returns it with its channel.
    @discardableResult
    func online(_ jid: String, available: Bool = true, priority: Int8 = 0) throws -> (ClientSession, NIOAsyncTestingChannel) {
        let full = try JID(jid)
        // Thread-safe: routing writes from the tasks modules run on.
        let channel = NIOAsyncTestingChannel()
        let binding = try registry.bind(account: full.bare, requested: full.resourcepart, maxResources: 10) { jid, id in
            ClientSession(jid: jid, id: id, channel: channel, isConfidential: true)
        }.get()
        binding.session.presenceChanged(available: available, priority: priority)
        return (binding.session, channel)
    }

    func message(_ type: String?, to: String?) -> Stanza {
        Stanza.message(Message(element: XMPPElement("message", namespace: Namespace.client, ["type": type, "to": to]) {
            XMPPElement("body", namespace: Namespace.client, text: "hi")
        })!)
    }

    func decision(_ stanza: Stanza, to: String?, from sender: String = "juliet@example.com/balcony") throws -> RoutingDecision {
        try router.decide(stanza, to: to.map { try JID($0) }, sender: JID(sender))
    }

    func delivered(_ decision: RoutingDecision) -> Set<String> {
        guard case .deliver(let sessions) = decision else { return [] }
        return Set(sessions.map(\.jid.description))
    }

    func bounced(_ decision: RoutingDecision) -> StanzaError.Condition? {
        guard case .bounce(let error) = decision else { return nil }
        return error.condition
    }

    @Test func messageToFullJIDGoesToThatResource() throws {
        try online("romeo@example.net/orchard")
        try online("romeo@example.net/garden", priority: 10)
        #expect(delivered(try decision(message("chat", to: nil), to: "romeo@example.net/orchard")) == ["romeo@example.net/orchard"])
    }

    @Test func messageToBareJIDGoesToTheHighestNonNegativePriority() throws {
        try online("romeo@example.net/orchard", priority: 1)
        try online("romeo@example.net/garden", priority: 5)
        try online("romeo@example.net/balcony", priority: 5)
        try online("romeo@example.net/hidden", available: false, priority: 50)
        #expect(delivered(try decision(message("chat", to: nil), to: "romeo@example.net"))
            == ["romeo@example.net/garden", "romeo@example.net/balcony"])
    }

    @Test func negativePriorityResourcesGetNoBareJIDMessages() throws {
        try online("romeo@example.net/orchard", priority: -1)
        // §8.5.2.2.1: as if nobody were online: offline storage or service-unavailable.
        guard case .undeliverable = try decision(message("chat", to: nil), to: "romeo@example.net") else {
            Issue.record("a negative-priority resource got a message to the bare JID")
            return
        }
    }

    @Test func messageToOfflineResourceIsHandledAsToTheBareJID() throws {
        try online("romeo@example.net/garden", priority: 0)
        // RFC 6121 §8.5.3.2.1: normal and chat fall back to the bare JID.
        #expect(delivered(try decision(message("chat", to: nil), to: "romeo@example.net/gone")) == ["romeo@example.net/garden"])
        #expect(delivered(try decision(message(nil, to: nil), to: "romeo@example.net/gone")) == ["romeo@example.net/garden"])
        #expect(bounced(try decision(message("groupchat", to: nil), to: "romeo@example.net/gone")) == .serviceUnavailable)
        if case .drop = try decision(message("headline", to: nil), to: "romeo@example.net/gone") {} else {
            Issue.record("headline to a missing resource was not dropped")
        }
    }

    @Test func headlinesGoToEveryNonNegativeResource() throws {
        try online("romeo@example.net/a", priority: 0)
        try online("romeo@example.net/b", priority: 3)
        try online("romeo@example.net/c", priority: -5)
        #expect(delivered(try decision(message("headline", to: nil), to: "romeo@example.net"))
            == ["romeo@example.net/a", "romeo@example.net/b"])
    }

    @Test func chatToAnAccountWithNobodyAvailableIsForOfflineStorage() throws {
        guard case .undeliverable(let account) = try decision(message("chat", to: nil), to: "nobody@example.net") else {
            Issue.record("a chat message to an account nobody is online for was not handed to offline storage")
            return
        }
        #expect(account == (try JID("nobody@example.net")))
        #expect(bounced(try decision(message("groupchat", to: nil), to: "romeo@example.net")) == .serviceUnavailable)
    }

    @Test func errorsAreNeverBounced() throws {
        if case .drop = try decision(message("error", to: nil), to: "nobody@example.net") {} else {
            Issue.record("an error message was answered with an error")
        }
    }

    @Test func iqToFullJIDIsForwardedAndToAMissingResourceRefused() throws {
        try online("romeo@example.net/orchard")
        let iq = Stanza.iq(IQ(type: .get, id: "1", payload: XMPPElement("query", namespace: "jabber:iq:version")))
        #expect(delivered(try decision(iq, to: "romeo@example.net/orchard")) == ["romeo@example.net/orchard"])
        #expect(bounced(try decision(iq, to: "romeo@example.net/gone")) == .serviceUnavailable)
        let result = Stanza.iq(IQ(type: .result, id: "1"))
        if case .drop = try decision(result, to: "romeo@example.net/gone") {} else {
            Issue.record("a result to a missing resource was not dropped")
        }
    }

    @Test func iqToBareJIDOrDomainIsAnsweredByTheServer() throws {
        try online("romeo@example.net/orchard")
        let iq = Stanza.iq(IQ(type: .get, id: "1", payload: XMPPElement("vCard", namespace: "vcard-temp")))
        guard case .handleForAccount(let account) = try decision(iq, to: "romeo@example.net") else {
            Issue.record("IQ to a bare JID was not answered by the server")
            return
        }
        #expect(account == (try JID("romeo@example.net")))
        guard case .handleForServer = try decision(iq, to: "example.net") else {
            Issue.record("IQ to the domain was not answered by the server")
            return
        }
        guard case .handleForAccount(let own) = try decision(iq, to: nil) else {
            Issue.record("IQ without 'to' was not answered for the sender's account")
            return
        }
        #expect(own == (try JID("juliet@example.com")))
    }

    @Test func messageWithoutToGoesToTheSendersOwnBareJID() throws {
        try online("juliet@example.com/balcony", priority: 1)
        #expect(delivered(try decision(message("chat", to: nil), to: nil)) == ["juliet@example.com/balcony"])
    }

    @Test func presenceWithoutToIsTheClientsOwnBroadcast() throws {
        let presence = Stanza.presence(Presence(element: XMPPElement("presence", namespace: Namespace.client))!)
        guard case .ownPresence = try decision(presence, to: nil) else {
            Issue.record("own presence not recognised")
            return
        }
    }

    @Test func remoteDomainsGoOverServerToServer() throws {
        guard case .remote(let domain) = try decision(message("chat", to: nil), to: "someone@elsewhere.org") else {
            Issue.record("a remote address was not routed to its domain")
            return
        }
        #expect(domain == "elsewhere.org")
    }

    @Test func messageToTheDomainIsServiceUnavailable() throws {
        #expect(bounced(try decision(message("chat", to: nil), to: "example.net")) == .serviceUnavailable)
    }

    // MARK: route(): from checks, stamping, answers

    @Test func forgedFromIsAStreamError() throws {
        let (sender, _) = try online("juliet@example.com/balcony")
        let forged = Stanza.message(Message(element: XMPPElement("message", namespace: Namespace.client, ["from": "romeo@example.net/x", "to": "romeo@example.net"]))!)
        #expect(throws: StreamError(.invalidFrom, text: "'from' is not this session's address")) {
            try router.route(forged, from: sender)
        }
    }

    @Test func fromIsStampedWithTheFullJID() async throws {
        let (sender, _) = try online("juliet@example.com/balcony")
        let (_, recipientChannel) = try online("romeo@example.net/orchard", priority: 1)
        try await route(message("chat", to: "romeo@example.net"), from: sender)
        let received = try await recipientChannel.waitForOutboundWrite(as: ByteBuffer.self)
        let element = try parseFragment(received)
        #expect(element[attribute: "from"] == "juliet@example.com/balcony")
        #expect(element[attribute: "to"] == "romeo@example.net")
    }

    @Test func unknownIQPayloadIsServiceUnavailableAndPingIsAnswered() async throws {
        let (sender, channel) = try online("juliet@example.com/balcony")
        try await route(.iq(IQ(type: .get, id: "v1", to: try JID("example.com"), payload: XMPPElement("query", namespace: "urn:unknown"))), from: sender)
        let error = try parseFragment(try await channel.waitForOutboundWrite(as: ByteBuffer.self))
        #expect(error[attribute: "type"] == "error")
        #expect(error[attribute: "id"] == "v1")
        #expect(StanzaError(element: try #require(error.firstElement(named: "error")))?.condition == .serviceUnavailable)

        try await route(.iq(IQ(type: .get, id: "p1", to: try JID("example.com"), payload: XMPPElement("ping", namespace: Namespace.ping))), from: sender)
        let pong = try parseFragment(try await channel.waitForOutboundWrite(as: ByteBuffer.self))
        #expect(pong[attribute: "type"] == "result")
        #expect(pong[attribute: "id"] == "p1")
        #expect(pong[attribute: "from"] == "example.com")
        #expect(pong[attribute: "to"] == "juliet@example.com/balcony")
    }

    @Test func malformedToIsJIDMalformed() async throws {
        let (sender, channel) = try online("juliet@example.com/balcony")
        try await route(message("chat", to: "@@bad"), from: sender)
        let error = try parseFragment(try await channel.waitForOutboundWrite(as: ByteBuffer.self))
        #expect(StanzaError(element: try #require(error.firstElement(named: "error")))?.condition == .jidMalformed)
    }

    @Test func ownPresenceSetsAvailabilityAndPriority() async throws {
        let (sender, _) = try online("juliet@example.com/balcony", available: false)
        let presence = Presence(element: XMPPElement("presence", namespace: Namespace.client) {
            XMPPElement("priority", namespace: Namespace.client, text: "7")
        })!
        try await route(.presence(presence), from: sender)
        #expect(sender.isAvailable)
        #expect(sender.priority == 7)
        try await route(.presence(Presence(element: XMPPElement("presence", namespace: Namespace.client, ["type": "unavailable"]))!), from: sender)
        #expect(!sender.isAvailable)
    }

    /// Routes and runs whatever storage work the stanza needs, as the connection does.
    func route(_ stanza: Stanza, from sender: ClientSession) async throws {
        if let work = try router.route(stanza, from: sender) {
            await work()
        }
    }

    /// Parses bytes written to a client, inside a client stream so `jabber:client` is in scope.
    func parseFragment(_ buffer: ByteBuffer) throws -> XMPPElement {
        var parser = XMLStreamParser(mode: .stream)
        parser.append(contentsOf: Array("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>".utf8))
        parser.append(buffer)
        guard case .streamOpened? = try parser.next(), case .element(let element)? = try parser.next() else {
            throw StreamError(.badFormat, text: "no element")
        }
        return element
    }
}

@Suite("Service discovery of the server (XEP-0030)")
struct DiscoModuleTests {
    let router: RouterTests

    init() throws {
        router = try RouterTests()
    }

    func ask(_ namespace: String, node: String? = nil) async throws -> XMPPElement {
        let (sender, channel) = try router.online("juliet@example.com/balcony")
        let query = XMPPElement("query", namespace: namespace, ["node": node])
        try await router.route(.iq(IQ(type: .get, id: "d1", to: try JID("example.com"), payload: query)), from: sender)
        return try router.parseFragment(try await channel.waitForOutboundWrite(as: ByteBuffer.self))
    }

    @Test func infoListsTheServerIdentityAndEveryLoadedModulesFeatures() async throws {
        let reply = try await ask(Namespace.discoInfo)
        #expect(reply[attribute: "type"] == "result")
        #expect(reply[attribute: "from"] == "example.com")
        let query = try #require(reply.firstElement(named: "query", namespace: Namespace.discoInfo))
        let identity = try #require(query.firstElement(named: "identity"))
        #expect(identity[attribute: "category"] == "server")
        #expect(identity[attribute: "type"] == "im")
        let features = query.elements(named: "feature").compactMap { $0[attribute: "var"] }
        #expect(features == router.router.modules.features)
        #expect(features.contains(Namespace.ping))
        #expect(features.contains(Namespace.roster))
    }

    @Test func aModuleLeftOutIsNotAdvertised() throws {
        let registry = ModuleRegistry(modules: [DiscoModule()])
        #expect(!registry.features.contains(Namespace.ping))
        #expect(registry.features.contains(Namespace.discoInfo))
    }

    @Test func itemsAreEmptyUntilComponentsExist() async throws {
        let reply = try await ask(Namespace.discoItems)
        #expect(reply[attribute: "type"] == "result")
        #expect(reply.firstElement(named: "query", namespace: Namespace.discoItems)?.children.isEmpty == true)
    }

    @Test func unknownNodesAreItemNotFound() async throws {
        for namespace in [Namespace.discoInfo, Namespace.discoItems] {
            let reply = try await ask(namespace, node: "urn:example:nothing")
            #expect(reply[attribute: "type"] == "error")
            #expect(StanzaError(element: try #require(reply.firstElement(named: "error")))?.condition == .itemNotFound)
        }
    }
}
