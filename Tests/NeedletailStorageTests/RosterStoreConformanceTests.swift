import NeedletailStorage
import Testing
@testable import XMPPCore

/// The behaviour every `RosterStore` backend owes its callers (RFC 6121 §2, §3).
/// Each test runs once per backend in `StoreBackend.available`, on empty stores.
@Suite("RosterStore conformance")
struct RosterStoreConformanceTests {
    /// A serialized inbound subscription request from `contact`.
    static func request(from contact: JID, status: String = "") -> [UInt8] {
        Array("<presence from='\(contact)' type='subscribe'><status>\(status)</status></presence>".utf8)
    }

    @Test(arguments: StoreBackend.available)
    func newAccountHasAnEmptyRosterAtVersionZero(backend: StoreBackend) async throws {
        try await backend.withRosterStore { accounts, roster throws in
            try await accounts.createAccount(.juliet)
            #expect(try await roster.roster(of: .juliet) == Roster(version: 0, items: []))
            #expect(try await roster.entry(of: .juliet, contact: .romeo) == RosterEntry())
            #expect(try await roster.pendingRequests(of: .juliet).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func missingAccountFailsWithNotFound(backend: StoreBackend) async throws {
        try await backend.withRosterStore { accounts, roster throws in
            try await accounts.createAccount(.nurse)
            await #expect(throws: StorageError.notFound) { _ = try await roster.roster(of: .juliet) }
            await #expect(throws: StorageError.notFound) { _ = try await roster.entry(of: .juliet, contact: .romeo) }
            await #expect(throws: StorageError.notFound) { _ = try await roster.pendingRequests(of: .juliet) }
            await #expect(throws: StorageError.notFound) {
                try await roster.put(
                    RosterEntry(item: RosterItem(contact: .romeo)),
                    account: .juliet, contact: .romeo
                )
            }
            // A domain JID names no account either.
            await #expect(throws: StorageError.notFound) { _ = try await roster.roster(of: JID(normalizedLocalpart: nil, domainpart: "capulet.example", resourcepart: nil)) }
        }
    }

    @Test(arguments: StoreBackend.available)
    func itemRoundTripsWithEveryField(backend: StoreBackend) async throws {
        try await backend.withRosterStore { accounts, roster throws in
            try await accounts.createAccount(.juliet)
            let items = [
                RosterItem(contact: .romeo, name: "Romeo", groups: ["Friends"], subscription: .both),
                RosterItem(contact: .nurse, name: "", subscription: .from, pendingOut: true),
                RosterItem(contact: .benvolio, subscription: .to, preApproved: true),
                RosterItem(contact: .mercutio, name: nil, subscription: .none, pendingOut: true, preApproved: true),
            ]
            for item in items {
                let update = try await roster.update(account: .juliet, contact: item.contact, itemLimit: nil) { _ in
                    RosterEntry(item: item)
                }
                #expect(update.after == RosterEntry(item: item))
                #expect(try await roster.entry(of: .juliet, contact: item.contact) == RosterEntry(item: item))
            }
            let stored = try await roster.roster(of: .juliet)
            #expect(stored.items == items.sorted { $0.contact.description < $1.contact.description })
            #expect(stored.version == Int64(items.count))
        }
    }

    @Test(arguments: StoreBackend.available)
    func groupsRoundTripOncePerNameAndSorted(backend: StoreBackend) async throws {
        try await backend.withRosterStore { accounts, roster throws in
            try await accounts.createAccount(.juliet)
            let groups = [
                "Friends", "friends", "Friends", "Família", "家族", "👨‍👩‍👧", "a,b", "a;b", " spaced ", "Ünïcødé",
            ]
            let item = RosterItem(contact: .romeo, groups: groups)
            #expect(item.groups.count == groups.count - 1)
            try await roster.put(RosterEntry(item: item), account: .juliet, contact: .romeo)

            #expect(try await roster.entry(of: .juliet, contact: .romeo).item?.groups == item.groups)
            #expect(try await roster.roster(of: .juliet).items.first?.groups == item.groups)
        }
    }

    @Test(arguments: StoreBackend.available)
    func storedEntryIsWhatUpdateReturnedAsAfter(backend: StoreBackend) async throws {
        try await backend.withRosterStore { accounts, roster throws in
            try await accounts.createAccount(.juliet)
            let update = try await roster.update(account: .juliet, contact: .romeo, itemLimit: nil) { _ in
                var item = RosterItem(contact: .romeo)
                item.groups = ["b", "a", "b"]
                return RosterEntry(item: item)
            }
            #expect(update.after.item?.groups == ["a", "b"])
            #expect(try await roster.entry(of: .juliet, contact: .romeo) == update.after)
        }
    }

    @Test(arguments: StoreBackend.available)
    func changingAnItemReplacesItsGroups(backend: StoreBackend) async throws {
        try await backend.withRosterStore { accounts, roster throws in
            try await accounts.createAccount(.juliet)
            try await roster.put(
                RosterEntry(item: RosterItem(contact: .romeo, groups: ["Friends", "Verona"])),
                account: .juliet, contact: .romeo
            )
            _ = try await roster.update(account: .juliet, contact: .romeo, itemLimit: nil) { entry in
                var entry = entry
                entry.item?.groups = ["Family"]
                return entry
            }
            #expect(try await roster.entry(of: .juliet, contact: .romeo).item?.groups == ["Family"])

            // A removed item's groups go with it: re-adding it starts with none.
            try await roster.put(RosterEntry(), account: .juliet, contact: .romeo)
            try await roster.put(
                RosterEntry(item: RosterItem(contact: .romeo)),
                account: .juliet, contact: .romeo
            )
            #expect(try await roster.entry(of: .juliet, contact: .romeo).item?.groups == [])
        }
    }

    @Test(arguments: StoreBackend.available)
    func versionGrowsOnceForEachItemChangeOnly(backend: StoreBackend) async throws {
        try await backend.withRosterStore { accounts, roster throws in
            try await accounts.createAccount(.juliet)
            func update(_ change: @escaping @Sendable (RosterEntry) -> RosterEntry?) async throws -> RosterUpdate {
                try await roster.update(account: .juliet, contact: .romeo, itemLimit: nil, change)
            }

            let added = try await update { _ in RosterEntry(item: RosterItem(contact: .romeo)) }
            #expect(added.version == 1)
            #expect(added.itemChanged)

            let renamed = try await update { entry in
                var entry = entry
                entry.item?.name = "Romeo"
                return entry
            }
            #expect(renamed.version == 2)

            let unchanged = try await update { $0 }
            #expect(unchanged.version == 2)
            #expect(!unchanged.itemChanged)

            let declined = try await update { _ in nil }
            #expect(declined.version == 2)
            #expect(declined.before == declined.after)

            // Pending In is not part of the roster: no version, no push.
            let requested = try await update { entry in
                var entry = entry
                entry.pendingIn = Self.request(from: .romeo)
                return entry
            }
            #expect(requested.version == 2)
            #expect(!requested.itemChanged)
            #expect(requested.after.pendingIn == Self.request(from: .romeo))

            // Item and request changing together is still one change of the item.
            let approved = try await update { entry in
                var entry = entry
                entry.item?.subscription = .from
                entry.pendingIn = nil
                return entry
            }
            #expect(approved.version == 3)

            let removed = try await update { _ in RosterEntry() }
            #expect(removed.version == 4)
            #expect(removed.after.isEmpty)

            #expect(try await roster.roster(of: .juliet).version == 4)
        }
    }

    @Test(arguments: StoreBackend.available)
    func updateReadsWhatIsStored(backend: StoreBackend) async throws {
        try await backend.withRosterStore { accounts, roster throws in
            try await accounts.createAccount(.juliet)
            let entry = RosterEntry(
                item: RosterItem(contact: .romeo, name: "Romeo", groups: ["Friends"], subscription: .to),
                pendingIn: Self.request(from: .romeo, status: "it is the east")
            )
            try await roster.put(entry, account: .juliet, contact: .romeo)

            let update = try await roster.update(account: .juliet, contact: .romeo, itemLimit: nil) { before in
                before == entry ? nil : RosterEntry()
            }
            #expect(update.before == entry)
            #expect(try await roster.entry(of: .juliet, contact: .romeo) == entry)
        }
    }

    @Test(arguments: StoreBackend.available)
    func emptyEntryDeletesItemAndRequest(backend: StoreBackend) async throws {
        try await backend.withRosterStore { accounts, roster throws in
            try await accounts.createAccount(.juliet)
            try await roster.put(
                RosterEntry(item: RosterItem(contact: .romeo, groups: ["Friends"]), pendingIn: Self.request(from: .romeo)),
                account: .juliet, contact: .romeo
            )
            let update = try await roster.update(account: .juliet, contact: .romeo, itemLimit: nil) { _ in RosterEntry() }
            #expect(update.after == RosterEntry())
            #expect(try await roster.entry(of: .juliet, contact: .romeo) == RosterEntry())
            #expect(try await roster.roster(of: .juliet).items.isEmpty)
            #expect(try await roster.pendingRequests(of: .juliet).isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func itemLimitRefusesAddsButNotEdits(backend: StoreBackend) async throws {
        try await backend.withRosterStore { accounts, roster throws in
            try await accounts.createAccount(.juliet)
            for contact in [JID.romeo, .nurse] {
                try await roster.put(
                    RosterEntry(item: RosterItem(contact: contact)),
                    account: .juliet, contact: contact, itemLimit: 2
                )
            }

            await #expect(throws: StorageError.quotaExceeded) {
                try await roster.put(
                    RosterEntry(item: RosterItem(contact: .benvolio), pendingIn: Self.request(from: .benvolio)),
                    account: .juliet, contact: .benvolio, itemLimit: 2
                )
            }
            // Nothing of the refused change is stored, the request included.
            #expect(try await roster.entry(of: .juliet, contact: .benvolio) == RosterEntry())
            #expect(try await roster.roster(of: .juliet).version == 2)

            let edited = try await roster.update(account: .juliet, contact: .romeo, itemLimit: 2) { entry in
                var entry = entry
                entry.item?.name = "Romeo"
                return entry
            }
            #expect(edited.version == 3)

            // A request from someone not in the roster adds no item.
            try await roster.put(
                RosterEntry(pendingIn: Self.request(from: .benvolio)),
                account: .juliet, contact: .benvolio, itemLimit: 2
            )
            #expect(try await roster.pendingRequests(of: .juliet).map(\.contact) == [.benvolio])

            try await roster.put(RosterEntry(), account: .juliet, contact: .nurse, itemLimit: 2)
            _ = try await roster.update(account: .juliet, contact: .benvolio, itemLimit: 2) { entry in
                RosterEntry(item: RosterItem(contact: .benvolio), pendingIn: entry.pendingIn)
            }
            #expect(try await roster.roster(of: .juliet).items.map(\.contact) == [.benvolio, .romeo])

            try await roster.put(
                RosterEntry(item: RosterItem(contact: .mercutio)),
                account: .juliet, contact: .mercutio
            )
            #expect(try await roster.roster(of: .juliet).items.count == 3)
        }
    }

    @Test(arguments: StoreBackend.available)
    func concurrentUpdatesOfOneEntryAllLand(backend: StoreBackend) async throws {
        try await backend.withRosterStore { accounts, roster throws in
            try await accounts.createAccount(.juliet)
            let updates = 50
            try await withThrowingTaskGroup { group in
                for _ in 0..<updates {
                    group.addTask {
                        _ = try await roster.update(account: .juliet, contact: .romeo, itemLimit: nil) { entry in
                            let count = entry.item?.name.flatMap { Int($0) } ?? 0
                            return RosterEntry(item: RosterItem(contact: .romeo, name: String(count + 1)))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let stored = try await roster.roster(of: .juliet)
            #expect(stored.items.map(\.name) == [String(updates)])
            #expect(stored.version == Int64(updates))
        }
    }

    @Test(arguments: StoreBackend.available)
    func pendingRequestsComeInArrivalOrder(backend: StoreBackend) async throws {
        try await backend.withRosterStore { accounts, roster throws in
            try await accounts.createAccount(.juliet)
            func request(from contact: JID, status: String) async throws {
                _ = try await roster.update(account: .juliet, contact: contact, itemLimit: nil) { entry in
                    RosterEntry(item: entry.item, pendingIn: Self.request(from: contact, status: status))
                }
            }
            try await request(from: .romeo, status: "first")
            try await request(from: .benvolio, status: "second")
            try await request(from: .mercutio, status: "third")
            #expect(try await roster.pendingRequests(of: .juliet).map(\.contact) == [.romeo, .benvolio, .mercutio])

            // Asking again while pending keeps the place and updates the stanza.
            try await request(from: .romeo, status: "again")
            let pending = try await roster.pendingRequests(of: .juliet)
            #expect(pending.map(\.contact) == [.romeo, .benvolio, .mercutio])
            #expect(pending.first?.stanza == Self.request(from: .romeo, status: "again"))

            // An answered request leaves the queue; a new one goes to its end.
            try await roster.put(RosterEntry(), account: .juliet, contact: .mercutio)
            try await request(from: .nurse, status: "fourth")
            #expect(try await roster.pendingRequests(of: .juliet).map(\.contact) == [.romeo, .benvolio, .nurse])
            #expect(try await roster.roster(of: .juliet) == Roster(version: 0, items: []))
        }
    }

    @Test(arguments: StoreBackend.available)
    func rostersArePerAccount(backend: StoreBackend) async throws {
        try await backend.withRosterStore { accounts, roster throws in
            try await accounts.createAccount(.juliet)
            try await accounts.createAccount(.nurse)
            try await roster.put(
                RosterEntry(item: RosterItem(contact: .romeo, name: "Romeo"), pendingIn: Self.request(from: .romeo)),
                account: .juliet, contact: .romeo
            )
            #expect(try await roster.roster(of: .nurse) == Roster(version: 0, items: []))
            #expect(try await roster.entry(of: .nurse, contact: .romeo) == RosterEntry())
            #expect(try await roster.pendingRequests(of: .nurse).isEmpty)

            try await roster.put(
                RosterEntry(item: RosterItem(contact: .romeo, name: "that Montague")),
                account: .nurse, contact: .romeo, itemLimit: 1
            )
            #expect(try await roster.entry(of: .juliet, contact: .romeo).item?.name == "Romeo")
            #expect(try await roster.roster(of: .nurse).version == 1)
        }
    }

    @Test(arguments: StoreBackend.available)
    func deletingTheAccountDeletesItsRosterAndRequests(backend: StoreBackend) async throws {
        try await backend.withRosterStore { accounts, roster throws in
            try await accounts.createAccount(.juliet)
            try await roster.put(
                RosterEntry(item: RosterItem(contact: .romeo, groups: ["Friends"]), pendingIn: Self.request(from: .romeo)),
                account: .juliet, contact: .romeo
            )
            try await roster.put(
                RosterEntry(pendingIn: Self.request(from: .nurse)),
                account: .juliet, contact: .nurse
            )
            #expect(try await accounts.deleteAccount(.juliet))
            await #expect(throws: StorageError.notFound) { _ = try await roster.roster(of: .juliet) }

            try await accounts.createAccount(.juliet)
            #expect(try await roster.roster(of: .juliet) == Roster(version: 0, items: []))
            #expect(try await roster.entry(of: .juliet, contact: .romeo) == RosterEntry())
            #expect(try await roster.pendingRequests(of: .juliet).isEmpty)
            try await roster.put(
                RosterEntry(item: RosterItem(contact: .romeo)),
                account: .juliet, contact: .romeo
            )
            #expect(try await roster.entry(of: .juliet, contact: .romeo).item?.groups == [])
        }
    }
}

extension RosterStore {
    /// Stores `entry` for `contact`, whatever was stored before.
    @discardableResult
    func put(_ entry: RosterEntry, account: JID, contact: JID, itemLimit: Int? = nil) async throws -> RosterUpdate {
        try await update(account: account, contact: contact, itemLimit: itemLimit) { _ in entry }
    }
}
