import NeedletailStorage
import Testing
import XMPPClient
import XMPPCore
@testable import NeedletailServer

/// What the instant-messaging end-to-end tests share: a logged-in client with
/// its inbox, roster requests, and presence.
struct Online {
    let client: XMPPClient
    let inbox: Inbox

    static func connect(_ server: TestServer, _ jid: String, answeringPings: Bool = true) async throws -> Online {
        let client = try await server.connected(jid)
        return Online(client: client, inbox: Inbox(client, answeringPings: answeringPings))
    }

    var jid: JID { client.boundJID! }

    /// Asks for the roster (which makes this resource get pushes); its items.
    @discardableResult
    func roster(version: String? = nil) async throws -> (version: String?, items: [XMPPElement])? {
        let answer = try await client.iq(IQ(type: .get, id: "", payload: XMPPElement("query", namespace: Namespace.roster, ["ver": version])))
        guard let query = answer.payload(named: "query", namespace: Namespace.roster) else { return nil }
        return (query[attribute: "ver"], query.elements(named: "item", namespace: Namespace.roster))
    }

    /// A roster set of one item.
    func setRosterItem(_ contact: String, name: String? = nil, groups: [String] = [], remove: Bool = false) async throws {
        let item = XMPPElement("item", namespace: Namespace.roster, ["jid": contact, "name": name, "subscription": remove ? "remove" : nil]) {
            groups.map { XMPPElement("group", namespace: Namespace.roster, text: $0) }
        }
        _ = try await client.iq(IQ(type: .set, id: "", payload: XMPPElement("query", namespace: Namespace.roster) { item }))
    }

    /// Sends available presence and waits for it to come back, which the server
    /// sends once it has handled it (RFC 6121 §4.2.2).
    func available(priority: Int8 = 0, status: String? = nil) async throws {
        var presence = Presence()
        presence.setPriority(priority)
        presence.setStatus(status, language: nil)
        try await client.send(presence)
        let me = jid.description
        _ = await inbox.presence { $0.fromAttribute == me && $0.type == .available }
    }

    func send(_ type: PresenceType, to contact: String) async throws {
        try await client.send(Presence(type: type, to: try JID(contact)))
    }

    /// An IQ to the server or an account, its answer or the error it throws.
    func ask(_ type: IQType, to: String? = nil, _ payload: XMPPElement) async throws -> IQ {
        try await client.iq(IQ(type: type, id: "", to: try to.map { try JID($0) }, payload: payload))
    }

    /// A get to the account itself.
    func ask(_ payload: XMPPElement) async throws -> IQ {
        try await ask(.get, payload)
    }

    /// A get to `to`.
    func ask(to: String, _ payload: XMPPElement) async throws -> IQ {
        try await ask(.get, to: to, payload)
    }

    func close() async {
        await client.close()
    }
}

/// The stanza error an IQ failed with.
func stanzaError(_ body: () async throws -> Void) async -> StanzaError? {
    do {
        try await body()
        return nil
    } catch let error as StanzaError {
        return error
    } catch {
        return nil
    }
}

extension TestServer {
    /// Sets both rosters to a mutual subscription, straight in storage.
    func befriend(_ a: String, _ b: String) async throws {
        let first = try JID(a), second = try JID(b)
        let rosters = server.context.router.storage.rosters
        _ = try await rosters.update(account: first, contact: second, itemLimit: nil) { _ in
            RosterEntry(item: RosterItem(contact: second, subscription: .both))
        }
        _ = try await rosters.update(account: second, contact: first, itemLimit: nil) { _ in
            RosterEntry(item: RosterItem(contact: first, subscription: .both))
        }
    }
}
