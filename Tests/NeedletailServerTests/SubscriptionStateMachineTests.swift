import NeedletailStorage
import Testing
import XMPPCore
@testable import NeedletailServer

/// One row of an RFC 6121 Appendix A table, as the RFC writes it, with the
/// outcome columns the tables leave to §3 (roster push, auto-reply, presence).
struct AppendixARow: Sendable, CustomTestStringConvertible {
    var existing: SubscriptionState
    /// "ROUTE?" for outbound tables, "DELIVER?" for inbound ones.
    var forward: Bool
    /// nil: "no state change".
    var new: SubscriptionState?
    var push: Bool
    var autoReply: SubscriptionRequest?
    var presence: SubscriptionStateMachine.Outcome.PresenceToContact?

    init(
        _ existing: String, _ forward: String, _ new: String, push: Bool = false,
        autoReply: SubscriptionRequest? = nil, presence: SubscriptionStateMachine.Outcome.PresenceToContact? = nil
    ) {
        self.existing = Self.state(existing)
        precondition(forward == "yes" || forward == "no", "ROUTE?/DELIVER? is yes or no, not \(forward)")
        self.forward = forward == "yes"
        self.new = new == "no state change" ? nil : Self.state(new)
        self.push = push
        self.autoReply = autoReply
        self.presence = presence
    }

    static func state(_ name: String) -> SubscriptionState {
        guard let state = SubscriptionState.allCases.first(where: { $0.description == name }) else {
            preconditionFailure("no state named \(name) in RFC 6121 Appendix A.1")
        }
        return state
    }

    var testDescription: String {
        "\"\(existing)\" | \(forward ? "yes" : "no") | \(new.map { "\"\($0)\"" } ?? "no state change")"
    }
}

/// RFC 6121 Appendix A, one table per direction and stanza type. The first three
/// columns are copied from the RFC; `push`, `autoReply` and `presence` are what §3
/// (and, where it leaves a choice, Prosody) makes of the row.
enum AppendixA {
    /// A.2.1, outbound "subscribe" (§3.1.2).
    static let outboundSubscribe: [AppendixARow] = [
        //  EXISTING STATE           ROUTE?  NEW STATE
        .init("None",                  "yes", "None + Pending Out", push: true),
        .init("None + Pending Out",    "yes", "no state change"),
        .init("None + Pending In",     "yes", "None + Pending Out+In", push: true),
        .init("None + Pending Out+In", "yes", "no state change"),
        .init("To",                    "yes", "no state change"),
        .init("To + Pending In",       "yes", "no state change"),
        .init("From",                  "yes", "From + Pending Out", push: true),
        .init("From + Pending Out",    "yes", "no state change"),
        .init("Both",                  "yes", "no state change"),
    ]

    /// A.2.2, outbound "unsubscribe" (§3.3.2).
    static let outboundUnsubscribe: [AppendixARow] = [
        .init("None",                  "yes", "no state change"),
        .init("None + Pending Out",    "yes", "None", push: true),
        .init("None + Pending In",     "yes", "no state change"),
        .init("None + Pending Out+In", "yes", "None + Pending In", push: true),
        .init("To",                    "yes", "None", push: true),
        .init("To + Pending In",       "yes", "None + Pending In", push: true),
        .init("From",                  "yes", "no state change"),
        .init("From + Pending Out",    "yes", "From", push: true),
        .init("Both",                  "yes", "From", push: true),
    ]

    /// A.2.3, outbound "subscribed" (§3.1.5). The "no state change" rows for
    /// None, None + Pending Out and To are §3.4 pre-approvals: the item's
    /// `approved` flag changes (a push) while the state does not.
    static let outboundSubscribed: [AppendixARow] = [
        .init("None",                  "no",  "no state change", push: true),
        .init("None + Pending Out",    "no",  "no state change", push: true),
        .init("None + Pending In",     "yes", "From", push: true, presence: .available),
        .init("None + Pending Out+In", "yes", "From + Pending Out", push: true, presence: .available),
        .init("To",                    "no",  "no state change", push: true),
        .init("To + Pending In",       "yes", "Both", push: true, presence: .available),
        .init("From",                  "no",  "no state change"),
        .init("From + Pending Out",    "no",  "no state change"),
        .init("Both",                  "no",  "no state change"),
    ]

    /// A.2.4, outbound "unsubscribed" (§3.2.2).
    static let outboundUnsubscribed: [AppendixARow] = [
        .init("None",                  "no",  "no state change"),
        .init("None + Pending Out",    "no",  "no state change"),
        .init("None + Pending In",     "yes", "None"),
        .init("None + Pending Out+In", "yes", "None + Pending Out"),
        .init("To",                    "no",  "no state change"),
        .init("To + Pending In",       "yes", "To"),
        .init("From",                  "yes", "None", push: true, presence: .unavailable),
        .init("From + Pending Out",    "yes", "None + Pending Out", push: true, presence: .unavailable),
        .init("Both",                  "yes", "To", push: true, presence: .unavailable),
    ]

    /// A.3.1, inbound "subscribe" (§3.1.3).
    static let inboundSubscribe: [AppendixARow] = [
        //  EXISTING STATE           DELIVER?  NEW STATE
        .init("None",                  "yes", "None + Pending In"),
        .init("None + Pending Out",    "yes", "None + Pending Out+In"),
        .init("None + Pending In",     "no",  "no state change"),
        .init("None + Pending Out+In", "no",  "no state change"),
        .init("To",                    "yes", "To + Pending In"),
        .init("To + Pending In",       "no",  "no state change"),
        .init("From",                  "no",  "no state change", autoReply: .subscribed, presence: .available),
        .init("From + Pending Out",    "no",  "no state change", autoReply: .subscribed, presence: .available),
        .init("Both",                  "no",  "no state change", autoReply: .subscribed, presence: .available),
    ]

    /// A.3.2, inbound "unsubscribe" (§3.3.3).
    static let inboundUnsubscribe: [AppendixARow] = [
        .init("None",                  "no",  "no state change"),
        .init("None + Pending Out",    "no",  "no state change"),
        .init("None + Pending In",     "yes", "None"),
        .init("None + Pending Out+In", "yes", "None + Pending Out"),
        .init("To",                    "no",  "no state change"),
        .init("To + Pending In",       "yes", "To"),
        .init("From",                  "yes", "None", push: true, presence: .unavailable),
        .init("From + Pending Out",    "yes", "None + Pending Out", push: true, presence: .unavailable),
        .init("Both",                  "yes", "To", push: true, presence: .unavailable),
    ]

    /// A.3.3, inbound "subscribed" (§3.1.6).
    static let inboundSubscribed: [AppendixARow] = [
        .init("None",                  "no",  "no state change"),
        .init("None + Pending Out",    "yes", "To", push: true),
        .init("None + Pending In",     "no",  "no state change"),
        .init("None + Pending Out+In", "yes", "To + Pending In", push: true),
        .init("To",                    "no",  "no state change"),
        .init("To + Pending In",       "no",  "no state change"),
        .init("From",                  "no",  "no state change"),
        .init("From + Pending Out",    "yes", "Both", push: true),
        .init("Both",                  "no",  "no state change"),
    ]

    /// A.3.4, inbound "unsubscribed" (§3.2.3).
    static let inboundUnsubscribed: [AppendixARow] = [
        .init("None",                  "no",  "no state change"),
        .init("None + Pending Out",    "yes", "None", push: true),
        .init("None + Pending In",     "no",  "no state change"),
        .init("None + Pending Out+In", "yes", "None + Pending In", push: true),
        .init("To",                    "yes", "None", push: true),
        .init("To + Pending In",       "yes", "None + Pending In", push: true),
        .init("From",                  "no",  "no state change"),
        .init("From + Pending Out",    "yes", "From", push: true),
        .init("Both",                  "yes", "From", push: true),
    ]

    static let all: [(SubscriptionRequest, outbound: Bool, [AppendixARow])] = [
        (.subscribe, true, outboundSubscribe), (.unsubscribe, true, outboundUnsubscribe),
        (.subscribed, true, outboundSubscribed), (.unsubscribed, true, outboundUnsubscribed),
        (.subscribe, false, inboundSubscribe), (.unsubscribe, false, inboundUnsubscribe),
        (.subscribed, false, inboundSubscribed), (.unsubscribed, false, inboundUnsubscribed),
    ]
}

@Suite("Subscription state machine (RFC 6121 §3, Appendix A)")
struct SubscriptionStateMachineTests {
    typealias Machine = SubscriptionStateMachine
    static let romeo = try! JID("romeo@example.net")
    var romeo: JID { Self.romeo }
    /// The request stored while one is pending.
    let stored = Array("<presence type='subscribe' from='romeo@example.net'><status>first</status></presence>".utf8)
    /// A newly arrived request.
    let arriving = Array("<presence type='subscribe' from='romeo@example.net'><status>again</status></presence>".utf8)

    /// An entry in `state`, with a roster item for the contact (named and grouped,
    /// so tests see that transitions keep them) or, for "None" and "None + Pending
    /// In", optionally without: the contact is not in the roster.
    func entry(_ state: SubscriptionState, inRoster: Bool = true) -> RosterEntry {
        let item = RosterItem(
            contact: romeo, name: "Romeo", groups: ["Friends"], subscription: state.subscription,
            pendingOut: state.pendingOut)
        return RosterEntry(item: inRoster ? item : nil, pendingIn: state.pendingIn ? stored : nil)
    }

    /// The entries a row applies to: with the contact in the roster, and for the
    /// states a contact outside the roster can be in, also without.
    func fixtures(_ state: SubscriptionState) -> [(RosterEntry, Comment)] {
        var fixtures: [(RosterEntry, Comment)] = [(entry(state), "contact in the roster")]
        if !state.needsItem {
            fixtures.append((entry(state, inRoster: false), "contact not in the roster"))
        }
        return fixtures
    }

    func check(_ row: AppendixARow, _ request: SubscriptionRequest, outbound: Bool) {
        for (before, fixture) in fixtures(row.existing) {
            let outcome = outbound
                ? Machine.outbound(request, entry: before, contact: romeo)
                : Machine.inbound(request, entry: before, contact: romeo, stanza: arriving)
            let expected = row.new ?? row.existing
            #expect(SubscriptionState(outcome.entry) == expected, fixture)
            #expect(outcome.forward == row.forward, fixture)
            #expect(outcome.rosterPush == row.push, fixture)
            #expect(outcome.autoReply == row.autoReply, fixture)
            #expect(outcome.presenceToContact == row.presence, fixture)
            // A pending request keeps the one stored first; a new one stores the stanza.
            if expected.pendingIn {
                #expect(outcome.entry.pendingIn == (row.existing.pendingIn ? stored : arriving), fixture)
            }
            if let item = outcome.entry.item {
                #expect(item.contact == romeo && item.groups == (before.item == nil ? [] : ["Friends"]), fixture)
            }
            if row.new == nil && !row.push {
                #expect(outcome.entry == before, "no state change leaves the entry as it was; \(fixture)")
            }
        }
    }

    @Test("A.2.1 outbound subscribe", arguments: AppendixA.outboundSubscribe)
    func outboundSubscribe(_ row: AppendixARow) { check(row, .subscribe, outbound: true) }

    @Test("A.2.2 outbound unsubscribe", arguments: AppendixA.outboundUnsubscribe)
    func outboundUnsubscribe(_ row: AppendixARow) { check(row, .unsubscribe, outbound: true) }

    @Test("A.2.3 outbound subscribed", arguments: AppendixA.outboundSubscribed)
    func outboundSubscribed(_ row: AppendixARow) { check(row, .subscribed, outbound: true) }

    @Test("A.2.4 outbound unsubscribed", arguments: AppendixA.outboundUnsubscribed)
    func outboundUnsubscribed(_ row: AppendixARow) { check(row, .unsubscribed, outbound: true) }

    @Test("A.3.1 inbound subscribe", arguments: AppendixA.inboundSubscribe)
    func inboundSubscribe(_ row: AppendixARow) { check(row, .subscribe, outbound: false) }

    @Test("A.3.2 inbound unsubscribe", arguments: AppendixA.inboundUnsubscribe)
    func inboundUnsubscribe(_ row: AppendixARow) { check(row, .unsubscribe, outbound: false) }

    @Test("A.3.3 inbound subscribed", arguments: AppendixA.inboundSubscribed)
    func inboundSubscribed(_ row: AppendixARow) { check(row, .subscribed, outbound: false) }

    @Test("A.3.4 inbound unsubscribed", arguments: AppendixA.inboundUnsubscribed)
    func inboundUnsubscribed(_ row: AppendixARow) { check(row, .unsubscribed, outbound: false) }

    @Test func everyTableHasOneRowPerState() {
        for (request, outbound, rows) in AppendixA.all {
            #expect(rows.map(\.existing) == SubscriptionState.allCases, "\(outbound ? "outbound" : "inbound") \(request)")
        }
    }

    @Test func entriesMapOntoTheNineStates() {
        for state in SubscriptionState.allCases {
            #expect(SubscriptionState(entry(state)) == state)
        }
        #expect(SubscriptionState(RosterEntry()) == .none)
        #expect(SubscriptionState(RosterEntry(pendingIn: stored)) == .noneIn)
        // Flags the subscription already answers are read as absent.
        let toAsking = RosterEntry(item: RosterItem(contact: romeo, subscription: .to, pendingOut: true))
        #expect(SubscriptionState(toAsking) == .to)
        let fromAsked = RosterEntry(item: RosterItem(contact: romeo, subscription: .from), pendingIn: stored)
        #expect(SubscriptionState(fromAsked) == .from)
    }

    // MARK: Contacts not in the roster

    @Test func subscribingToAContactNotInTheRosterAddsIt() {
        let outcome = Machine.outbound(.subscribe, entry: RosterEntry(), contact: romeo)
        #expect(outcome.entry == RosterEntry(item: RosterItem(contact: romeo, subscription: .none, pendingOut: true)))
        #expect(outcome.forward && outcome.rosterPush)
    }

    @Test func subscribingBackToARequesterNotInTheRosterAddsIt() {
        let outcome = Machine.outbound(.subscribe, entry: RosterEntry(pendingIn: stored), contact: romeo)
        #expect(outcome.entry == RosterEntry(item: RosterItem(contact: romeo, pendingOut: true), pendingIn: stored))
        #expect(outcome.forward && outcome.rosterPush)
    }

    @Test func itemsAreAddedForTheBareJID() throws {
        let outcome = Machine.outbound(.subscribe, entry: RosterEntry(), contact: try JID("romeo@example.net/orchard"))
        #expect(outcome.entry.item?.contact == romeo)
    }

    @Test func aRequestFromAContactNotInTheRosterIsStoredOutsideIt() {
        let outcome = Machine.inbound(.subscribe, entry: RosterEntry(), contact: romeo, stanza: arriving)
        #expect(outcome.entry == RosterEntry(pendingIn: arriving))
        #expect(outcome.forward)
        #expect(!outcome.rosterPush)
    }

    @Test func approvingARequesterNotInTheRosterAddsItWithFrom() {
        let outcome = Machine.outbound(.subscribed, entry: RosterEntry(pendingIn: stored), contact: romeo)
        #expect(outcome.entry == RosterEntry(item: RosterItem(contact: romeo, subscription: .from)))
        #expect(outcome.forward && outcome.rosterPush)
        #expect(outcome.presenceToContact == .available)
    }

    @Test func refusingARequesterNotInTheRosterLeavesNothing() {
        let outcome = Machine.outbound(.unsubscribed, entry: RosterEntry(pendingIn: stored), contact: romeo)
        #expect(outcome.entry.isEmpty)
        #expect(outcome.forward)
        #expect(!outcome.rosterPush)
        #expect(outcome.presenceToContact == nil)
    }

    @Test func aWithdrawnRequestFromAContactNotInTheRosterLeavesNothing() {
        let outcome = Machine.inbound(.unsubscribe, entry: RosterEntry(pendingIn: stored), contact: romeo, stanza: arriving)
        #expect(outcome.entry.isEmpty)
        #expect(outcome.forward)
        #expect(!outcome.rosterPush)
    }

    @Test(arguments: [SubscriptionRequest.subscribed, .unsubscribe, .unsubscribed])
    func answersFromAStrangerAreIgnored(_ request: SubscriptionRequest) {
        let outcome = Machine.inbound(request, entry: RosterEntry(), contact: romeo, stanza: arriving)
        #expect(outcome == .ignored(RosterEntry()))
        #expect(outcome.entry.isEmpty)
    }

    // MARK: Pre-approval (§3.4)

    @Test func preApprovingAContactNotInTheRosterAddsItWithoutRouting() {
        let outcome = Machine.outbound(.subscribed, entry: RosterEntry(), contact: romeo)
        #expect(outcome.entry == RosterEntry(item: RosterItem(contact: romeo, subscription: .none, preApproved: true)))
        #expect(!outcome.forward)
        #expect(outcome.rosterPush)
        #expect(outcome.presenceToContact == nil)
    }

    @Test func preApprovingTwiceIsNoSecondPush() {
        let first = Machine.outbound(.subscribed, entry: RosterEntry(), contact: romeo)
        let second = Machine.outbound(.subscribed, entry: first.entry, contact: romeo)
        #expect(second.entry == first.entry)
        #expect(!second.forward && !second.rosterPush)
    }

    @Test(arguments: [
        (SubscriptionState.none, SubscriptionState.from), (.noneOut, .fromOut), (.to, .both),
    ])
    func aPreApprovedRequestIsApprovedByTheServer(_ before: SubscriptionState, _ after: SubscriptionState) {
        var preApproved = entry(before)
        preApproved.item?.preApproved = true
        let outcome = Machine.inbound(.subscribe, entry: preApproved, contact: romeo, stanza: arriving)
        #expect(SubscriptionState(outcome.entry) == after)
        #expect(outcome.entry.item?.preApproved == false, "the pre-approval is used up")
        #expect(outcome.entry.pendingIn == nil)
        #expect(!outcome.forward, "the user is not asked")
        #expect(outcome.autoReply == .subscribed)
        #expect(outcome.presenceToContact == .available)
        #expect(outcome.rosterPush)
    }

    @Test func preApprovalThenRequestFromAContactNotInTheRoster() {
        let approval = Machine.outbound(.subscribed, entry: RosterEntry(), contact: romeo)
        let request = Machine.inbound(.subscribe, entry: approval.entry, contact: romeo, stanza: arriving)
        #expect(request.entry == RosterEntry(item: RosterItem(contact: romeo, subscription: .from)))
        #expect(request.autoReply == .subscribed && !request.forward)
    }

    @Test(arguments: [SubscriptionState.none, .noneOut, .to])
    func unsubscribedWithdrawsAPreApprovalWithoutRouting(_ state: SubscriptionState) {
        var preApproved = entry(state)
        preApproved.item?.preApproved = true
        let outcome = Machine.outbound(.unsubscribed, entry: preApproved, contact: romeo)
        #expect(outcome.entry == entry(state))
        #expect(!outcome.forward)
        #expect(outcome.rosterPush)
        #expect(outcome.presenceToContact == nil)
        // With the pre-approval gone, a request waits for the user again.
        let request = Machine.inbound(.subscribe, entry: outcome.entry, contact: romeo, stanza: arriving)
        #expect(request.forward && request.autoReply == nil)
        #expect(SubscriptionState(request.entry).pendingIn)
    }

    @Test func approvingAPendingRequestClearsAnyPreApproval() {
        // A pre-approval and a pending request cannot both arise, but if stored
        // together, approving still clears both.
        var both = entry(.noneIn)
        both.item?.preApproved = true
        let outcome = Machine.outbound(.subscribed, entry: both, contact: romeo)
        #expect(outcome.entry.item?.preApproved == false)
        #expect(outcome.entry.pendingIn == nil)
        #expect(outcome.forward)
    }

    @Test func otherStanzasKeepAPreApproval() {
        var preApproved = entry(.none)
        preApproved.item?.preApproved = true
        let subscribe = Machine.outbound(.subscribe, entry: preApproved, contact: romeo)
        #expect(subscribe.entry.item?.preApproved == true)
        let granted = Machine.inbound(.subscribed, entry: subscribe.entry, contact: romeo, stanza: arriving)
        #expect(SubscriptionState(granted.entry) == .to)
        #expect(granted.entry.item?.preApproved == true)
    }

    // MARK: Whole exchanges

    @Test func mutualSubscriptionBetweenTwoAccounts() {
        // Juliet's entry for Romeo and Romeo's entry for Juliet, each run by its server.
        let juliet = try! JID("juliet@example.com")
        var julietsEntry = RosterEntry()
        var romeosEntry = RosterEntry()
        let request = Array("<presence type='subscribe'/>".utf8)

        var outcome = Machine.outbound(.subscribe, entry: julietsEntry, contact: romeo)
        julietsEntry = outcome.entry
        #expect(outcome.forward)
        outcome = Machine.inbound(.subscribe, entry: romeosEntry, contact: juliet, stanza: request)
        romeosEntry = outcome.entry
        #expect(SubscriptionState(romeosEntry) == .noneIn)

        outcome = Machine.outbound(.subscribed, entry: romeosEntry, contact: juliet)
        romeosEntry = outcome.entry
        #expect(outcome.forward && outcome.presenceToContact == .available)
        outcome = Machine.inbound(.subscribed, entry: julietsEntry, contact: romeo, stanza: [])
        julietsEntry = outcome.entry
        #expect((SubscriptionState(julietsEntry), SubscriptionState(romeosEntry)) == (.to, .from))

        outcome = Machine.outbound(.subscribe, entry: romeosEntry, contact: juliet)
        romeosEntry = outcome.entry
        outcome = Machine.inbound(.subscribe, entry: julietsEntry, contact: romeo, stanza: request)
        julietsEntry = outcome.entry
        outcome = Machine.outbound(.subscribed, entry: julietsEntry, contact: romeo)
        julietsEntry = outcome.entry
        outcome = Machine.inbound(.subscribed, entry: romeosEntry, contact: juliet, stanza: [])
        romeosEntry = outcome.entry
        #expect((SubscriptionState(julietsEntry), SubscriptionState(romeosEntry)) == (.both, .both))

        // Romeo cancels Juliet's subscription to him.
        outcome = Machine.outbound(.unsubscribed, entry: romeosEntry, contact: juliet)
        romeosEntry = outcome.entry
        #expect(outcome.presenceToContact == .unavailable)
        outcome = Machine.inbound(.unsubscribed, entry: julietsEntry, contact: romeo, stanza: [])
        julietsEntry = outcome.entry
        #expect((SubscriptionState(julietsEntry), SubscriptionState(romeosEntry)) == (.from, .to))
    }
}
