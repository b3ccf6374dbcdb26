import Foundation
import NeedletailStorage
import Testing
import XMPPCore

/// The behaviour every `OfflineStore` backend owes its callers (XEP-0160). Each test
/// runs once per backend in `StoreBackend.available`, on empty stores.
@Suite("OfflineStore conformance")
struct OfflineStoreConformanceTests {
    /// A serialized message with `body`; its bytes include 0x00 and 0xFF, which a
    /// store must keep as they are (the stanza is opaque to it).
    static func message(_ body: String) -> [UInt8] {
        Array("<message to='juliet@capulet.example'><body>\(body)</body></message>".utf8) + [0x00, 0xFF]
    }

    /// A date with whole milliseconds, the precision stores promise.
    static let date = Date(timeIntervalSince1970: 1_700_000_000.125)

    @Test(arguments: StoreBackend.available)
    func messagesComeBackOldestFirstAsStored(backend: StoreBackend) async throws {
        try await backend.withOfflineStore { accounts, offline throws in
            try await accounts.createAccount(.juliet)
            let bodies = ["wherefore", "art", "thou", "Romeo", "🌹"]
            for (index, body) in bodies.enumerated() {
                try await offline.store(Self.message(body), for: .juliet, at: Self.date + Double(index), limit: 100)
            }

            let messages = try await offline.messages(of: .juliet)
            #expect(messages.map(\.stanza) == bodies.map(Self.message))
            #expect(messages.map(\.id) == messages.map(\.id).sorted())
            #expect(Set(messages.map(\.id)).count == bodies.count)
            for (index, message) in messages.enumerated() {
                #expect(abs(message.storedAt.timeIntervalSince(Self.date + Double(index))) < 0.001)
            }
            #expect(try await offline.count(of: .juliet) == bodies.count)
        }
    }

    @Test(arguments: StoreBackend.available)
    func storingForAMissingAccountFailsWithNotFound(backend: StoreBackend) async throws {
        try await backend.withOfflineStore { accounts, offline throws in
            try await accounts.createAccount(.nurse)
            await #expect(throws: StorageError.notFound) {
                try await offline.store(Self.message("hello"), for: .juliet, at: Self.date, limit: 100)
            }
            await #expect(throws: StorageError.notFound) {
                try await offline.remove([1], of: .juliet)
            }
            #expect(try await offline.messages(of: .juliet).isEmpty)
            #expect(try await offline.count(of: .juliet) == 0)
            #expect(try await offline.count(of: .nurse) == 0)
        }
    }

    @Test(arguments: StoreBackend.available)
    func storingAtTheLimitFailsWithQuotaExceededAndStoresNothing(backend: StoreBackend) async throws {
        try await backend.withOfflineStore { accounts, offline throws in
            try await accounts.createAccount(.juliet)
            for index in 0..<3 {
                try await offline.store(Self.message("\(index)"), for: .juliet, at: Self.date, limit: 3)
            }
            await #expect(throws: StorageError.quotaExceeded) {
                try await offline.store(Self.message("too many"), for: .juliet, at: Self.date, limit: 3)
            }
            #expect(try await offline.count(of: .juliet) == 3)
            #expect(try await offline.messages(of: .juliet).map(\.stanza) == (0..<3).map { Self.message("\($0)") })

            // Delivering one makes room for one.
            let first = try #require(try await offline.messages(of: .juliet).first)
            try await offline.remove([first.id], of: .juliet)
            try await offline.store(Self.message("room again"), for: .juliet, at: Self.date, limit: 3)
            #expect(try await offline.messages(of: .juliet).last?.stanza == Self.message("room again"))

            await #expect(throws: StorageError.quotaExceeded) {
                try await offline.store(Self.message("none allowed"), for: .juliet, at: Self.date, limit: 0)
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func concurrentStoresNeverPassTheLimit(backend: StoreBackend) async throws {
        try await backend.withOfflineStore { accounts, offline throws in
            try await accounts.createAccount(.juliet)
            let refused = await withTaskGroup { group in
                for index in 0..<20 {
                    group.addTask { () -> Bool in
                        do throws(StorageError) {
                            try await offline.store(Self.message("\(index)"), for: .juliet, at: Self.date, limit: 8)
                            return false
                        } catch {
                            return error == .quotaExceeded
                        }
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(refused == 12)
            #expect(try await offline.count(of: .juliet) == 8)
        }
    }

    @Test(arguments: StoreBackend.available)
    func removeRemovesOnlyTheGivenIdsOfThatAccount(backend: StoreBackend) async throws {
        try await backend.withOfflineStore { accounts, offline throws in
            try await accounts.createAccount(.juliet)
            try await accounts.createAccount(.nurse)
            for index in 0..<5 {
                try await offline.store(Self.message("juliet \(index)"), for: .juliet, at: Self.date, limit: 100)
                try await offline.store(Self.message("nurse \(index)"), for: .nurse, at: Self.date, limit: 100)
            }
            let juliets = try await offline.messages(of: .juliet)
            let nurses = try await offline.messages(of: .nurse)

            // The nurse's ids and ids never handed out are ignored.
            let unknown = try #require((juliets + nurses).map(\.id).max()) + 1000
            try await offline.remove([juliets[1].id, juliets[3].id, nurses[0].id, unknown], of: .juliet)
            #expect(try await offline.messages(of: .juliet) == [juliets[0], juliets[2], juliets[4]])
            #expect(try await offline.messages(of: .nurse) == nurses)

            try await offline.remove([], of: .juliet)
            try await offline.remove([juliets[1].id], of: .juliet)
            #expect(try await offline.count(of: .juliet) == 3)
        }
    }

    @Test(arguments: StoreBackend.available)
    func idsKeepGrowingAfterRemoval(backend: StoreBackend) async throws {
        try await backend.withOfflineStore { accounts, offline throws in
            try await accounts.createAccount(.juliet)
            try await offline.store(Self.message("first"), for: .juliet, at: Self.date, limit: 100)
            let first = try #require(try await offline.messages(of: .juliet).first)
            try await offline.remove([first.id], of: .juliet)

            try await offline.store(Self.message("second"), for: .juliet, at: Self.date, limit: 100)
            let second = try #require(try await offline.messages(of: .juliet).first)
            #expect(second.id > first.id)
        }
    }

    @Test(arguments: StoreBackend.available)
    func emptyStanzaRoundTrips(backend: StoreBackend) async throws {
        try await backend.withOfflineStore { accounts, offline throws in
            try await accounts.createAccount(.juliet)
            try await offline.store([], for: .juliet, at: Self.date, limit: 100)
            #expect(try await offline.messages(of: .juliet).map(\.stanza) == [[]])
        }
    }

    @Test(arguments: StoreBackend.available)
    func deletingTheAccountDeletesItsMessages(backend: StoreBackend) async throws {
        try await backend.withOfflineStore { accounts, offline throws in
            try await accounts.createAccount(.juliet)
            try await accounts.createAccount(.nurse)
            try await offline.store(Self.message("for juliet"), for: .juliet, at: Self.date, limit: 100)
            try await offline.store(Self.message("for the nurse"), for: .nurse, at: Self.date, limit: 100)
            let before = try await offline.messages(of: .juliet)

            #expect(try await accounts.deleteAccount(.juliet))
            #expect(try await offline.messages(of: .juliet).isEmpty)
            #expect(try await offline.count(of: .juliet) == 0)

            try await accounts.createAccount(.juliet)
            #expect(try await offline.messages(of: .juliet).isEmpty)
            #expect(try await offline.count(of: .juliet) == 0)
            #expect(try await offline.count(of: .nurse) == 1)

            // The new account's messages do not take the old ones' ids.
            try await offline.store(Self.message("again"), for: .juliet, at: Self.date, limit: 1)
            let after = try #require(try await offline.messages(of: .juliet).first)
            #expect(before.allSatisfy { $0.id < after.id })
        }
    }
}
