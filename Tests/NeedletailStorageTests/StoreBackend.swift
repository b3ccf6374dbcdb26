import NeedletailStorage
import Testing

/// A backend the store conformance suites run against. Each case builds a fresh,
/// empty store for one test and tears it down afterwards; a backend that cannot run
/// here (a server that is not installed) is left out of `available`, never faked.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite

    /// The backends this run can reach.
    static var available: [StoreBackend] { allCases }

    var testDescription: String { rawValue }

    /// Every store of one backend, over the same empty database, so a test can
    /// create accounts and see what deleting them does to the other stores.
    struct Stores {
        let accounts: any AccountStore
        let roster: any RosterStore
        let offline: any OfflineStore
        let accountData: any AccountDataStore
    }

    /// Runs `body` with an empty account store on this backend.
    func withAccountStore(_ body: (any AccountStore) async throws -> Void) async throws {
        try await withStores { try await body($0.accounts) }
    }

    /// Runs `body` with an empty roster store and the account store that owns its accounts.
    func withRosterStore(_ body: (any AccountStore, any RosterStore) async throws -> Void) async throws {
        try await withStores { try await body($0.accounts, $0.roster) }
    }

    /// Runs `body` with an empty offline store and the account store that owns its accounts.
    func withOfflineStore(_ body: (any AccountStore, any OfflineStore) async throws -> Void) async throws {
        try await withStores { try await body($0.accounts, $0.offline) }
    }

    /// Runs `body` with an empty account data store and the account store that owns its accounts.
    func withAccountDataStore(_ body: (any AccountStore, any AccountDataStore) async throws -> Void) async throws {
        try await withStores { try await body($0.accounts, $0.accountData) }
    }

    /// Runs `body` with every store of this backend, over one empty database.
    func withStores(_ body: (Stores) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let database = try SQLiteDatabase.temporary()
            try await body(
                Stores(
                    accounts: SQLiteAccountStore(database: database),
                    roster: SQLiteRosterStore(database: database),
                    offline: SQLiteOfflineStore(database: database),
                    accountData: SQLiteAccountDataStore(database: database)
                )
            )
            try database.close()
        }
    }
}
