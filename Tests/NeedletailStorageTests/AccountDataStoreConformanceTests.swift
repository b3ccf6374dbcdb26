import NeedletailStorage
import Testing
import XMPPCore

/// The behaviour every `AccountDataStore` backend owes its callers. Each test runs
/// once per backend in `StoreBackend.available`, on empty stores.
@Suite("AccountDataStore conformance")
struct AccountDataStoreConformanceTests {
    /// A vCard-sized document whose bytes cover 0x00 through 0xFF.
    static let vCard: [UInt8] = Array("<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>".utf8) + (0...255).map(UInt8.init)

    /// Compares `values(of:kind:)` results, whose tuples are not `Equatable`.
    static func pairs(_ values: [(key: String, value: [UInt8])]) -> [[String]] {
        values.map { [$0.key, String(decoding: $0.value, as: UTF8.self)] }
    }

    @Test(arguments: StoreBackend.available)
    func valueIsStoredReplacedAndRemoved(backend: StoreBackend) async throws {
        try await backend.withAccountDataStore { accounts, data throws in
            try await accounts.createAccount(.juliet)
            #expect(try await data.value(of: .juliet, kind: "vcard", key: "") == nil)

            try await data.setValue(Self.vCard, of: .juliet, kind: "vcard", key: "")
            #expect(try await data.value(of: .juliet, kind: "vcard", key: "") == Self.vCard)

            try await data.setValue(Array("<vCard/>".utf8), of: .juliet, kind: "vcard", key: "")
            #expect(try await data.value(of: .juliet, kind: "vcard", key: "") == Array("<vCard/>".utf8))

            try await data.setValue(nil, of: .juliet, kind: "vcard", key: "")
            #expect(try await data.value(of: .juliet, kind: "vcard", key: "") == nil)
            try await data.setValue(nil, of: .juliet, kind: "vcard", key: "")
        }
    }

    @Test(arguments: StoreBackend.available)
    func emptyValueIsStoredAndNotNil(backend: StoreBackend) async throws {
        try await backend.withAccountDataStore { accounts, data throws in
            // The blocklist stores one key per JID with an empty value.
            try await accounts.createAccount(.juliet)
            try await data.setValue([], of: .juliet, kind: "blocklist", key: "tybalt@capulet.example")
            #expect(try await data.value(of: .juliet, kind: "blocklist", key: "tybalt@capulet.example") == [])
            #expect(Self.pairs(try await data.values(of: .juliet, kind: "blocklist")) == [["tybalt@capulet.example", ""]])
        }
    }

    @Test(arguments: StoreBackend.available)
    func valuesAreOrderedByKeyAndKeptApartByKindAndAccount(backend: StoreBackend) async throws {
        try await backend.withAccountDataStore { accounts, data throws in
            try await accounts.createAccount(.juliet)
            try await accounts.createAccount(.nurse)
            let keys = ["storage storage:bookmarks", "Zed", "zed", "élan", "a", "", "家"]
            for key in keys {
                try await data.setValue(Array(key.utf8), of: .juliet, kind: "private", key: key)
            }
            try await data.setValue(Array("other kind".utf8), of: .juliet, kind: "privacy", key: "a")
            try await data.setValue(Array("other account".utf8), of: .nurse, kind: "private", key: "a")

            // Code point order, which is byte order for UTF-8.
            let sorted = keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            #expect(Self.pairs(try await data.values(of: .juliet, kind: "private")) == sorted.map { [$0, $0] })
            #expect(try await data.value(of: .juliet, kind: "privacy", key: "a") == Array("other kind".utf8))
            #expect(try await data.value(of: .nurse, kind: "private", key: "a") == Array("other account".utf8))
            #expect(try await data.value(of: .nurse, kind: "private", key: "Zed") == nil)
            #expect(try await data.values(of: .juliet, kind: "vcard").isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func setValuesMergesOrReplacesTheKind(backend: StoreBackend) async throws {
        try await backend.withAccountDataStore { accounts, data throws in
            try await accounts.createAccount(.juliet)
            func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }
            try await data.setValues(
                [(key: "a", value: bytes("1")), (key: "b", value: bytes("2")), (key: "c", value: bytes("3"))],
                of: .juliet, kind: "blocklist", removingOthers: false
            )
            try await data.setValue(bytes("kept"), of: .juliet, kind: "vcard", key: "")

            // Without removingOthers: set, replace and remove, the rest untouched;
            // a key given twice ends with its last value.
            try await data.setValues(
                [(key: "b", value: nil), (key: "c", value: bytes("33")), (key: "d", value: bytes("4")),
                 (key: "d", value: bytes("44"))],
                of: .juliet, kind: "blocklist", removingOthers: false
            )
            #expect(
                Self.pairs(try await data.values(of: .juliet, kind: "blocklist")) == [["a", "1"], ["c", "33"], ["d", "44"]]
            )

            // With removingOthers: only the given keys remain, of this kind only.
            try await data.setValues(
                [(key: "x", value: bytes("9")), (key: "c", value: bytes("333")), (key: "y", value: nil)],
                of: .juliet, kind: "blocklist", removingOthers: true
            )
            #expect(Self.pairs(try await data.values(of: .juliet, kind: "blocklist")) == [["c", "333"], ["x", "9"]])
            #expect(try await data.value(of: .juliet, kind: "vcard", key: "") == bytes("kept"))

            try await data.setValues([], of: .juliet, kind: "blocklist", removingOthers: true)
            #expect(try await data.values(of: .juliet, kind: "blocklist").isEmpty)
            #expect(try await data.value(of: .juliet, kind: "vcard", key: "") == bytes("kept"))
        }
    }

    @Test(arguments: StoreBackend.available)
    func missingAccountFindsNothingAndRefusesWrites(backend: StoreBackend) async throws {
        try await backend.withAccountDataStore { accounts, data throws in
            try await accounts.createAccount(.nurse)
            #expect(try await data.value(of: .juliet, kind: "vcard", key: "") == nil)
            #expect(try await data.values(of: .juliet, kind: "vcard").isEmpty)
            await #expect(throws: StorageError.notFound) {
                try await data.setValue(Self.vCard, of: .juliet, kind: "vcard", key: "")
            }
            await #expect(throws: StorageError.notFound) {
                try await data.setValue(nil, of: .juliet, kind: "vcard", key: "")
            }
            await #expect(throws: StorageError.notFound) {
                try await data.setValues([(key: "", value: Self.vCard)], of: .juliet, kind: "vcard", removingOthers: true)
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func deletingTheAccountDeletesItsData(backend: StoreBackend) async throws {
        try await backend.withAccountDataStore { accounts, data throws in
            try await accounts.createAccount(.juliet)
            try await accounts.createAccount(.nurse)
            try await data.setValue(Self.vCard, of: .juliet, kind: "vcard", key: "")
            try await data.setValue([], of: .juliet, kind: "blocklist", key: "tybalt@capulet.example")
            try await data.setValue(Self.vCard, of: .nurse, kind: "vcard", key: "")

            #expect(try await accounts.deleteAccount(.juliet))
            try await accounts.createAccount(.juliet)
            #expect(try await data.value(of: .juliet, kind: "vcard", key: "") == nil)
            #expect(try await data.values(of: .juliet, kind: "blocklist").isEmpty)
            #expect(try await data.value(of: .nurse, kind: "vcard", key: "") == Self.vCard)
        }
    }
}
