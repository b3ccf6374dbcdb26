import Foundation
import NeedletailStorage
import Testing

/// The behaviour every `AccountStore` backend owes its callers. Each test runs once
/// per backend in `StoreBackend.available`, on an empty store.
@Suite("AccountStore conformance")
struct AccountStoreConformanceTests {
    @Test(arguments: StoreBackend.available)
    func createdAccountReturnsItsCredentials(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            let credentials = StoredCredentials.fixture(1)
            try await store.create(localpart: "juliet", domain: "capulet.example", credentials: credentials)
            #expect(try await store.credentials(localpart: "juliet", domain: "capulet.example") == credentials)
        }
    }

    @Test(arguments: StoreBackend.available)
    func hashFunctionsWithoutKeysStayEmpty(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            let credentials = StoredCredentials(sha256: .fixture(7, keyLength: 32))
            try await store.create(localpart: "nurse", domain: "capulet.example", credentials: credentials)
            let stored = try #require(try await store.credentials(localpart: "nurse", domain: "capulet.example"))
            #expect(stored.sha1 == nil)
            #expect(stored.sha256 == credentials.sha256)
            #expect(stored.sha512 == nil)
            #expect(stored.isDisabled == false)
        }
    }

    @Test(arguments: StoreBackend.available)
    func missingAccountHasNoCredentials(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            #expect(try await store.credentials(localpart: "romeo", domain: "montague.example") == nil)
        }
    }

    @Test(arguments: StoreBackend.available)
    func duplicateCreateFailsWithAlreadyExists(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(1))
            await #expect(throws: StorageError.alreadyExists) {
                try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(2))
            }
            #expect(try await store.credentials(localpart: "juliet", domain: "capulet.example") == .fixture(1))
            #expect(try await store.count(domain: "capulet.example") == 1)
        }
    }

    @Test(arguments: StoreBackend.available)
    func sameLocalpartOnTwoDomainsIsTwoAccounts(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            try await store.create(localpart: "admin", domain: "capulet.example", credentials: .fixture(1))
            try await store.create(localpart: "admin", domain: "montague.example", credentials: .fixture(2))
            #expect(try await store.credentials(localpart: "admin", domain: "capulet.example") == .fixture(1))
            #expect(try await store.credentials(localpart: "admin", domain: "montague.example") == .fixture(2))

            #expect(try await store.delete(localpart: "admin", domain: "capulet.example"))
            #expect(try await store.credentials(localpart: "admin", domain: "capulet.example") == nil)
            #expect(try await store.credentials(localpart: "admin", domain: "montague.example") == .fixture(2))
        }
    }

    @Test(arguments: StoreBackend.available)
    func partsAreComparedExactlyAsGiven(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            // Preparing JID parts (RFC 7622) is the caller's job; the store must not
            // fold case or normalize behind its back.
            try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(1))
            try await store.create(localpart: "Juliet", domain: "capulet.example", credentials: .fixture(2))
            #expect(try await store.credentials(localpart: "Juliet", domain: "capulet.example") == .fixture(2))
            #expect(try await store.credentials(localpart: "juliet", domain: "Capulet.example") == nil)
            #expect(try await store.count(domain: "capulet.example") == 2)
        }
    }

    @Test(arguments: StoreBackend.available)
    func updateCredentialsReplacesKeysAndKeepsDisabledState(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(1, isDisabled: true))
            let replacement = StoredCredentials(sha256: .fixture(9, keyLength: 32), sha512: .fixture(10, keyLength: 64))
            try await store.updateCredentials(localpart: "juliet", domain: "capulet.example", credentials: replacement)

            let stored = try #require(try await store.credentials(localpart: "juliet", domain: "capulet.example"))
            #expect(stored.sha1 == nil)
            #expect(stored.sha256 == replacement.sha256)
            #expect(stored.sha512 == replacement.sha512)
            #expect(stored.isDisabled)
        }
    }

    @Test(arguments: StoreBackend.available)
    func updatingMissingAccountFailsWithNotFound(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            await #expect(throws: StorageError.notFound) {
                try await store.updateCredentials(localpart: "romeo", domain: "montague.example", credentials: .fixture(1))
            }
            #expect(try await store.count() == 0)
        }
    }

    @Test(arguments: StoreBackend.available)
    func disabledStateRoundTrips(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            try await store.create(localpart: "tybalt", domain: "capulet.example", credentials: .fixture(3, isDisabled: true))
            #expect(try await store.credentials(localpart: "tybalt", domain: "capulet.example")?.isDisabled == true)

            try await store.setDisabled(false, localpart: "tybalt", domain: "capulet.example")
            #expect(try await store.credentials(localpart: "tybalt", domain: "capulet.example") == .fixture(3))

            try await store.setDisabled(true, localpart: "tybalt", domain: "capulet.example")
            #expect(try await store.credentials(localpart: "tybalt", domain: "capulet.example")?.isDisabled == true)
        }
    }

    @Test(arguments: StoreBackend.available)
    func disablingMissingAccountFailsWithNotFound(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            await #expect(throws: StorageError.notFound) {
                try await store.setDisabled(true, localpart: "romeo", domain: "montague.example")
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func deleteRemovesTheAccount(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(1))
            try await store.create(localpart: "nurse", domain: "capulet.example", credentials: .fixture(2))

            #expect(try await store.delete(localpart: "juliet", domain: "capulet.example"))
            #expect(try await store.credentials(localpart: "juliet", domain: "capulet.example") == nil)
            #expect(try await store.list(domain: "capulet.example") == ["nurse"])
            #expect(try await store.delete(localpart: "juliet", domain: "capulet.example") == false)
        }
    }

    @Test(arguments: StoreBackend.available)
    func deletingMissingAccountReturnsFalse(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            #expect(try await store.delete(localpart: "romeo", domain: "montague.example") == false)
        }
    }

    @Test(arguments: StoreBackend.available)
    func deletedAccountCanBeCreatedAgain(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(1, isDisabled: true))
            try await store.delete(localpart: "juliet", domain: "capulet.example")
            try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(2))
            #expect(try await store.credentials(localpart: "juliet", domain: "capulet.example") == .fixture(2))
        }
    }

    @Test(arguments: StoreBackend.available)
    func listReturnsTheDomainsLocalpartsSorted(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            let localparts = ["romeo", "benvolio", "mercutio", "élise", "Abram", "zoë", "balthasar"]
            for (index, localpart) in localparts.enumerated() {
                try await store.create(localpart: localpart, domain: "montague.example", credentials: .fixture(UInt8(index)))
            }
            try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(99))

            #expect(try await store.list(domain: "montague.example") == localparts.sorted())
            #expect(try await store.list(domain: "capulet.example") == ["juliet"])
            #expect(try await store.list(domain: "verona.example") == [])
        }
    }

    @Test(arguments: StoreBackend.available)
    func countIsPerDomainOrTotal(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            #expect(try await store.count() == 0)
            for localpart in ["romeo", "benvolio", "balthasar"] {
                try await store.create(localpart: localpart, domain: "montague.example", credentials: .fixture(1))
            }
            try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(2))

            #expect(try await store.count(domain: "montague.example") == 3)
            #expect(try await store.count(domain: "capulet.example") == 1)
            #expect(try await store.count(domain: "verona.example") == 0)
            #expect(try await store.count() == 4)
        }
    }

    @Test(arguments: StoreBackend.available)
    func concurrentCreatesOfDistinctAccountsAllSucceed(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            let localparts = (0..<64).map { "user\($0)" }
            try await withThrowingTaskGroup { group in
                for (index, localpart) in localparts.enumerated() {
                    group.addTask {
                        try await store.create(
                            localpart: localpart,
                            domain: "load.example",
                            credentials: .fixture(UInt8(index))
                        )
                    }
                }
                try await group.waitForAll()
            }

            #expect(try await store.count(domain: "load.example") == localparts.count)
            #expect(try await store.list(domain: "load.example") == localparts.sorted())
            for (index, localpart) in localparts.enumerated() {
                #expect(try await store.credentials(localpart: localpart, domain: "load.example") == .fixture(UInt8(index)))
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func concurrentCreatesOfOneAccountLetExactlyOneWin(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            let attempts = 16
            let outcomes = await withTaskGroup { group in
                for seed in 0..<attempts {
                    group.addTask { () -> Result<UInt8, StorageError> in
                        do throws(StorageError) {
                            try await store.create(
                                localpart: "juliet",
                                domain: "capulet.example",
                                credentials: .fixture(UInt8(seed))
                            )
                            return .success(UInt8(seed))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }

            let winners = outcomes.compactMap { try? $0.get() }
            #expect(winners.count == 1)
            #expect(outcomes.filter { $0 == .failure(.alreadyExists) }.count == attempts - 1)
            let winner = try #require(winners.first)
            #expect(try await store.credentials(localpart: "juliet", domain: "capulet.example") == .fixture(winner))
        }
    }

    @Test(arguments: StoreBackend.available)
    func lastActivityIsNilUntilRecorded(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(1))
            #expect(try await store.lastActivity(localpart: "juliet", domain: "capulet.example") == nil)
            #expect(try await store.lastActivity(localpart: "romeo", domain: "montague.example") == nil)
        }
    }

    @Test(arguments: StoreBackend.available)
    func lastActivityRoundTripsAndIsReplaced(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(1))
            try await store.create(localpart: "nurse", domain: "capulet.example", credentials: .fixture(2))
            let first = Date(timeIntervalSince1970: 1_700_000_000.250)
            try await store.recordLastActivity(
                localpart: "juliet", domain: "capulet.example", at: first, status: "Parting is such sweet sorrow 🌙"
            )
            let recorded = try #require(try await store.lastActivity(localpart: "juliet", domain: "capulet.example"))
            #expect(abs(recorded.date.timeIntervalSince(first)) < 0.001)
            #expect(recorded.status == "Parting is such sweet sorrow 🌙")

            let second = first.addingTimeInterval(3600)
            try await store.recordLastActivity(localpart: "juliet", domain: "capulet.example", at: second, status: nil)
            let replaced = try #require(try await store.lastActivity(localpart: "juliet", domain: "capulet.example"))
            #expect(abs(replaced.date.timeIntervalSince(second)) < 0.001)
            #expect(replaced.status == nil)

            try await store.recordLastActivity(localpart: "juliet", domain: "capulet.example", at: second, status: "")
            #expect(try await store.lastActivity(localpart: "juliet", domain: "capulet.example")?.status == "")
            #expect(try await store.lastActivity(localpart: "nurse", domain: "capulet.example") == nil)
        }
    }

    @Test(arguments: StoreBackend.available)
    func recordingLastActivityOfMissingAccountFailsWithNotFound(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            await #expect(throws: StorageError.notFound) {
                try await store.recordLastActivity(localpart: "romeo", domain: "montague.example", at: Date(), status: nil)
            }
            #expect(try await store.lastActivity(localpart: "romeo", domain: "montague.example") == nil)
        }
    }

    @Test(arguments: StoreBackend.available)
    func recreatedAccountHasNoLastActivity(backend: StoreBackend) async throws {
        try await backend.withAccountStore { store throws in
            try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(1))
            try await store.recordLastActivity(localpart: "juliet", domain: "capulet.example", at: Date(), status: "away")
            try await store.delete(localpart: "juliet", domain: "capulet.example")
            try await store.create(localpart: "juliet", domain: "capulet.example", credentials: .fixture(1))
            #expect(try await store.lastActivity(localpart: "juliet", domain: "capulet.example") == nil)
        }
    }
}
