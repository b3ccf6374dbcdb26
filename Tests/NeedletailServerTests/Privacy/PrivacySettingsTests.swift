import NeedletailStorage
import Testing
import XMPPCore
@testable import NeedletailServer

/// Which list applies (XEP-0016 §2.2 rules 1 to 3, 11) and what the delivery
/// filter makes of it (§2.12), over an in-memory cache with no server.
@Suite("Privacy lists: which list applies and the filter's verdicts")
struct PrivacySettingsTests {
    let juliet: JID
    let cache = PrivacyCache()

    init() throws {
        juliet = try JID("juliet@example.com")
    }

    /// A list denying everything from/to `jid` for the given kinds (all when none).
    static func denying(_ name: String, _ jid: String, _ kinds: Set<PrivacyStanzaKind> = []) throws -> PrivacyList {
        PrivacyList(name: name, items: [PrivacyItem(subject: .jid(try JID(jid)), action: .deny, order: 1, kinds: kinds)])
    }

    static let allowingAll = PrivacyList(name: "open", items: [PrivacyItem(subject: .everyone, action: .allow, order: 1, kinds: [])])

    func settings(default defaultName: String? = nil, active: [String: String] = [:]) throws -> PrivacySettings {
        var settings = PrivacySettings()
        settings.reload(
            lists: [try Self.denying("public", "tybalt@example.com"), Self.allowingAll], defaultName: defaultName, roster: [])
        for (resource, name) in active {
            settings.active[resource] = PrivacySettings.ActiveList(session: 1, name: name)
        }
        return settings
    }

    /// The filter's verdict on `stanza` from `sender` to the account.
    func inbound(_ stanza: Stanza, from sender: String) throws -> DeliveryVerdict {
        PrivacyModule.verdict(stanza, sender: try JID(sender), recipient: juliet, .inbound, cache: cache)
    }

    /// The filter's verdict on `stanza` leaving the account's `resource` for `recipient`.
    func outbound(_ stanza: Stanza, from resource: String, to recipient: String) throws -> DeliveryVerdict {
        PrivacyModule.verdict(stanza, sender: try juliet.withResource(resource), recipient: try JID(recipient), .outbound, cache: cache)
    }

    func message(to: String) throws -> Stanza {
        .message(Message(type: .chat, to: try JID(to), body: "hi"))
    }

    func install(_ settings: PrivacySettings) {
        cache.update(juliet) { $0 = settings }
    }

    @Test func anActiveListReplacesTheDefaultForItsSessionOnly() throws {
        // §2.2 rule 1: no layering.
        let settings = try settings(default: "public", active: ["balcony": "open"])
        let tybalt = try JID("tybalt@example.com")
        #expect(settings.action(for: .message, contact: tybalt, resource: "balcony") == .allow)
        #expect(settings.action(for: .message, contact: tybalt, resource: "chamber") == .deny)
        #expect(settings.action(for: .message, contact: tybalt, resource: nil) == .deny)
        // §2.2 rule 3: no list, everything goes.
        #expect(try self.settings().action(for: .message, contact: tybalt, resource: nil) == .allow)
    }

    @Test func aListAppliesToTheSessionsThatUseItActiveOrByDefault() throws {
        let settings = try settings(default: "public", active: ["balcony": "open"])
        #expect(settings.isApplied("open", beyond: "chamber", resources: ["balcony", "chamber"]))
        #expect(!settings.isApplied("open", beyond: "balcony", resources: ["balcony", "chamber"]))
        // The default applies to the sessions without an active list.
        #expect(settings.isApplied("public", beyond: "balcony", resources: ["balcony", "chamber"]))
        #expect(!settings.isApplied("public", beyond: "chamber", resources: ["balcony", "chamber"]))
    }

    @Test func reloadingKeepsActiveListsThatStillExist() throws {
        var settings = try settings(default: "gone", active: ["balcony": "open", "chamber": "public"])
        #expect(settings.defaultName == nil)
        let romeo = RosterItem(contact: try JID("romeo@example.net"), groups: ["Friends"])
        settings.reload(lists: [Self.allowingAll], defaultName: "open", roster: [romeo])
        #expect(settings.active.mapValues(\.name) == ["balcony": "open"])
        #expect(settings.defaultName == "open")
        #expect(settings.rosterGroups == ["Friends"])
        settings.removeList("open")
        #expect(settings.active.isEmpty && settings.defaultName == nil && settings.lists.isEmpty)
    }

    @Test func deniedInboundMessagesAndRequestsAreServiceUnavailableAndTheRestDropped() throws {
        install(try settings(default: "public"))
        let tybalt = "tybalt@example.com/pda"
        #expect(try inbound(message(to: "juliet@example.com"), from: tybalt) == .refuse(.serviceUnavailable()))
        let get = Stanza.iq(IQ(type: .get, id: "v", to: try JID("juliet@example.com/balcony")))
        #expect(try inbound(get, from: tybalt) == .refuse(.serviceUnavailable()))
        let result = Stanza.iq(IQ(type: .result, id: "v", to: try JID("juliet@example.com/balcony")))
        #expect(try inbound(result, from: tybalt) == .refuse(nil))
        #expect(try inbound(.presence(Presence()), from: tybalt) == .refuse(nil))
        #expect(try inbound(message(to: "juliet@example.com"), from: "romeo@example.net/orchard") == .allow)
    }

    @Test func deniedOutboundMessagesAreNotAcceptable() throws {
        install(try settings(default: "public"))
        guard case .refuse(let error?) = try outbound(message(to: "tybalt@example.com"), from: "balcony", to: "tybalt@example.com") else {
            Issue.record("an outbound message to a denied contact went out")
            return
        }
        #expect(error.condition == .notAcceptable)
        #expect(try outbound(.presence(Presence()), from: "balcony", to: "tybalt@example.com") == .refuse(nil))
    }

    @Test func theUsersOwnResourcesAndServerAreNeverFiltered() throws {
        let closed = PrivacyList(name: "closed", items: [PrivacyItem(subject: .everyone, action: .deny, order: 0, kinds: [])])
        cache.update(juliet) { $0.reload(lists: [closed], defaultName: "closed", roster: []) }
        #expect(try inbound(message(to: "juliet@example.com/chamber"), from: "juliet@example.com/balcony") == .allow)
        #expect(try inbound(message(to: "juliet@example.com"), from: "example.com") == .allow)
        #expect(try outbound(.iq(IQ(type: .get, id: "d", to: try JID("example.com"))), from: "balcony", to: "example.com") == .allow)
        #expect(try inbound(message(to: "juliet@example.com"), from: "example.net") != .allow)
    }

    @Test func inboundToAFullJIDUsesThatSessionsListAndToTheBareJIDTheDefault() throws {
        install(try settings(default: "public", active: ["balcony": "open"]))
        let tybalt = "tybalt@example.com/pda"
        #expect(try inbound(message(to: "juliet@example.com/balcony"), from: tybalt) == .allow)
        #expect(try inbound(message(to: "juliet@example.com/chamber"), from: tybalt) != .allow)
        #expect(try inbound(message(to: "juliet@example.com"), from: tybalt) != .allow)
        // Outbound, the sending session's list.
        #expect(try outbound(.presence(Presence()), from: "balcony", to: "tybalt@example.com") == .allow)
        #expect(try outbound(.presence(Presence()), from: "chamber", to: "tybalt@example.com") == .refuse(nil))
    }

    @Test func aSessionsActiveListEndsWithItAndAnAccountWithoutADefaultWithTheLastSession() throws {
        install(try settings(active: ["balcony": "open"]))
        // A later session with the same resource keeps what it set itself.
        cache.sessionEnded(juliet, resource: "balcony", session: 2, accountHasSessions: true)
        #expect(cache.settings(of: juliet).active["balcony"]?.name == "open")
        cache.sessionEnded(juliet, resource: "balcony", session: 1, accountHasSessions: true)
        #expect(cache.settings(of: juliet).active.isEmpty)
        #expect(cache.isLoaded(juliet))
        cache.sessionEnded(juliet, resource: "chamber", session: 3, accountHasSessions: false)
        #expect(!cache.isLoaded(juliet))
        // A default list outlives the sessions: it applies to stanzas for the account (§2.2 rule 2).
        install(try settings(default: "public", active: ["balcony": "open"]))
        cache.sessionEnded(juliet, resource: "chamber", session: 3, accountHasSessions: false)
        #expect(cache.settings(of: juliet).defaultName == "public")
        #expect(cache.settings(of: juliet).active.isEmpty)
    }

    @Test func rosterChangesReachTheGroupsAndSubscriptionsItemsMatch() throws {
        let tybalt = try JID("tybalt@example.com")
        let item = PrivacyItem(subject: .group("Enemies"), action: .deny, order: 1, kinds: [.message])
        let list = PrivacyList(name: "enemies", items: [item])
        cache.update(juliet) { $0.reload(lists: [list], defaultName: "enemies", roster: []) }
        let action = { self.cache.action(for: .message, account: self.juliet, contact: tybalt) { nil } }
        #expect(action() == .allow)
        cache.rosterChanged(juliet, contact: tybalt, item: RosterItem(contact: tybalt, groups: ["Enemies"]))
        #expect(action() == .deny)
        cache.rosterChanged(juliet, contact: tybalt, item: nil)
        #expect(action() == .allow)
    }
}
