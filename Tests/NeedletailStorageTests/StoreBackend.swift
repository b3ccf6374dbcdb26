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

    /// Runs `body` with an empty account store on this backend.
    func withAccountStore(_ body: (any AccountStore) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let database = try SQLiteDatabase.temporary()
            try await body(SQLiteAccountStore(database: database))
            try database.close()
        }
    }
}
