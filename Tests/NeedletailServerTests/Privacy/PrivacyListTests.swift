import NeedletailStorage
import Testing
import XMPPCore
@testable import NeedletailServer

/// XEP-0016 §2.1 list syntax and §2.2 processing order, with no server.
@Suite("Privacy lists: parsing and matching (XEP-0016 §2.1, §2.2)")
struct PrivacyListTests {
    static func item(
        type: String? = nil, value: String? = nil, action: String? = "deny", order: String? = "1", _ kinds: String...
    ) -> XMPPElement {
        XMPPElement("item", namespace: Namespace.privacy, ["type": type, "value": value, "action": action, "order": order]) {
            kinds.map { XMPPElement($0, namespace: Namespace.privacy) }
        }
    }

    static func list(_ name: String?, _ items: XMPPElement...) -> XMPPElement {
        XMPPElement("list", namespace: Namespace.privacy, ["name": name]) { items }
    }

    static func parse(_ element: XMPPElement) -> Result<PrivacyList, StanzaError> {
        do {
            return .success(try PrivacyList(element: element))
        } catch {
            return .failure(error)
        }
    }

    static func jid(_ string: String) throws -> JID {
        try JID(string)
    }

    @Test func parsesTheSpecificationsExampleAndWritesItBackInOrder() throws {
        // §2.3, the 'special' list, items given out of order.
        let element = Self.list(
            "special",
            Self.item(action: "deny", order: "666"),
            Self.item(type: "jid", value: "juliet@example.com", action: "allow", order: "6"),
            Self.item(type: "jid", value: "mercutio@example.org", action: "allow", order: "42"),
            Self.item(type: "jid", value: "benvolio@example.org", action: "allow", order: "7"))
        let list = try Self.parse(element).get()
        #expect(list.name == "special")
        #expect(list.items.map(\.order) == [6, 7, 42, 666])
        #expect(list.items.last?.subject == .everyone)
        let written = list.element
        #expect(written.elements.compactMap { $0[attribute: "order"] } == ["6", "7", "42", "666"])
        #expect(written.elements.last?[attribute: "type"] == nil)
        #expect(try Self.parse(written).get() == list)
        #expect(PrivacyList(storedBytes: written.storedBytes) == list)
    }

    @Test func keepsTheStanzaKindsOfAnItem() throws {
        let list = try Self.parse(Self.list(
            "kinds",
            Self.item(type: "group", value: "Enemies", order: "1", "presence-out", "message"),
            Self.item(type: "subscription", value: "none", action: "allow", order: "2"))).get()
        #expect(list.items[0].kinds == [.message, .presenceOut])
        #expect(list.items[0].subject == .group("Enemies"))
        #expect(list.items[1].kinds.isEmpty)
        #expect(list.items[1].subject == .subscription(.none))
        #expect(list.element.elements[0].elements.map(\.name) == ["message", "presence-out"])
    }

    static let badLists: [(String, XMPPElement)] = [
        ("no name", list(nil, item())),
        ("an empty name", list("", item())),
        ("no action", list("public", item(action: nil))),
        ("an unknown action", list("public", item(action: "block"))),
        ("no order", list("public", item(order: nil))),
        ("a negative order", list("public", item(order: "-1"))),
        ("an order past xs:unsignedInt", list("public", item(order: "4294967296"))),
        ("an order that is not a number", list("public", item(order: "first"))),
        ("two items with one order", list("public", item(order: "3"), item(action: "allow", order: "3"))),
        ("an unknown type", list("public", item(type: "domain", value: "example.com"))),
        ("a jid item without a value", list("public", item(type: "jid"))),
        ("a jid item whose value is not a JID", list("public", item(type: "jid", value: "@example.com"))),
        ("a group item without a value", list("public", item(type: "group"))),
        ("an unknown subscription", list("public", item(type: "subscription", value: "pending"))),
        ("an unknown stanza kind", list("public", item("presence"))),
        ("a child that is not an item", list("public", XMPPElement("rule", namespace: Namespace.privacy))),
    ]

    @Test(arguments: PrivacyListTests.badLists.map(\.0))
    func refusesWithBadRequest(_ problem: String) throws {
        let element = try #require(Self.badLists.first { $0.0 == problem }?.1)
        guard case .failure(let error) = Self.parse(element) else {
            Issue.record("accepted a list with \(problem)")
            return
        }
        #expect(error.condition == .badRequest)
    }

    @Test func theFirstMatchingItemByOrderDecides() throws {
        // §2.2 rules 5 and 6: ascending order, first match wins, whatever the document order.
        let list = try Self.parse(Self.list(
            "order",
            Self.item(action: "deny", order: "30"),
            Self.item(type: "jid", value: "tybalt@example.com", action: "deny", order: "10"),
            Self.item(type: "jid", value: "example.com", action: "allow", order: "20"))).get()
        #expect(list.action(for: .message, contact: try Self.jid("tybalt@example.com/pda"), roster: nil) == .deny)
        #expect(list.action(for: .message, contact: try Self.jid("juliet@example.com"), roster: nil) == .allow)
        #expect(list.action(for: .message, contact: try Self.jid("romeo@example.net"), roster: nil) == .deny)
    }

    @Test func withoutAMatchingItemNothingIsDecided() throws {
        // §2.2 rule 7: no fall-through item means allow, which the caller applies.
        let list = try Self.parse(Self.list("public", Self.item(type: "jid", value: "tybalt@example.com", "message"))).get()
        #expect(list.action(for: .message, contact: try Self.jid("romeo@example.net"), roster: nil) == nil)
        #expect(list.action(for: .iq, contact: try Self.jid("tybalt@example.com"), roster: nil) == nil)
    }

    @Test func jidItemsMatchAsSection21Orders() throws {
        func matches(_ value: String, _ address: String) throws -> Bool {
            let list = try Self.parse(Self.list("public", Self.item(type: "jid", value: value))).get()
            return list.action(for: .message, contact: try Self.jid(address), roster: nil) == .deny
        }
        #expect(try matches("tybalt@example.com/pda", "tybalt@example.com/pda"))
        #expect(try !matches("tybalt@example.com/pda", "tybalt@example.com/laptop"))
        #expect(try matches("tybalt@example.com", "tybalt@example.com/laptop"))
        #expect(try matches("example.com/pda", "example.com/pda"))
        #expect(try matches("example.com", "tybalt@example.com/pda"))
        #expect(try matches("example.com", "example.com"))
        #expect(try !matches("example.com", "romeo@example.net"))
    }

    @Test func groupAndSubscriptionItemsMatchTheRoster() throws {
        let list = try Self.parse(Self.list(
            "roster",
            Self.item(type: "group", value: "Enemies", order: "1"),
            Self.item(type: "subscription", value: "none", order: "2"),
            Self.item(type: "subscription", value: "both", action: "allow", order: "3"))).get()
        let tybalt = try Self.jid("tybalt@example.com")
        #expect(list.action(for: .message, contact: tybalt, roster: PrivacyRosterItem(subscription: .both, groups: ["Enemies"])) == .deny)
        #expect(list.action(for: .message, contact: tybalt, roster: PrivacyRosterItem(subscription: .both, groups: ["Friends"])) == .allow)
        // "none" includes entities not in the roster at all.
        #expect(list.action(for: .message, contact: tybalt, roster: nil) == .deny)
        #expect(list.action(for: .message, contact: tybalt, roster: PrivacyRosterItem(subscription: .to)) == nil)
    }

    @Test func itemsWithChildElementsCoverOnlyThoseKinds() throws {
        let list = try Self.parse(Self.list(
            "public",
            Self.item(type: "jid", value: "tybalt@example.com", order: "1", "presence-in"),
            Self.item(type: "jid", value: "paris@example.org", order: "2"))).get()
        let tybalt = try Self.jid("tybalt@example.com")
        #expect(list.action(for: .presenceIn, contact: tybalt, roster: nil) == .deny)
        #expect(list.action(for: .message, contact: tybalt, roster: nil) == nil)
        #expect(list.action(for: .presenceOut, contact: tybalt, roster: nil) == nil)
        // §2.11: subscriptions, probes and outbound messages only meet items without children.
        #expect(list.action(for: nil, contact: tybalt, roster: nil) == nil)
        #expect(list.action(for: nil, contact: try Self.jid("paris@example.org"), roster: nil) == .deny)
    }

    @Test func stanzasAreClassifiedFromTheListOwnersSide() throws {
        let message = Stanza.message(Message(type: .chat, body: "hi"))
        let iq = Stanza.iq(IQ(type: .get, id: "1"))
        #expect(PrivacyStanzaKind(message, .inbound) == .message)
        #expect(PrivacyStanzaKind(message, .outbound) == nil)
        #expect(PrivacyStanzaKind(iq, .inbound) == .iq)
        #expect(PrivacyStanzaKind(iq, .outbound) == nil)
        #expect(PrivacyStanzaKind(.presence(Presence()), .inbound) == .presenceIn)
        #expect(PrivacyStanzaKind(.presence(Presence(type: .unavailable)), .outbound) == .presenceOut)
        // §2: presence notifications are available and unavailable only.
        for type in [PresenceType.subscribe, .subscribed, .unsubscribe, .unsubscribed, .probe, .error] {
            #expect(PrivacyStanzaKind(.presence(Presence(type: type)), .inbound) == nil)
            #expect(PrivacyStanzaKind(.presence(Presence(type: type)), .outbound) == nil)
        }
    }
}
