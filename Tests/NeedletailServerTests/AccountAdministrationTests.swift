import NeedletailStorage
import Testing
import XMPPCore
import XMPPStreams
@testable import NeedletailServer

/// `needletail user add|passwd|del|list`, through `AccountAdministration`
/// over a real SQLite store.
@Suite("Account administration")
struct AccountAdministrationTests {
    static func administration(
        domains: [String] = ["example.com", "example.org"],
        iterations: Int = 4096
    ) throws -> (AccountAdministration, SQLiteAccountStore, SQLiteDatabase) {
        let database = try SQLiteDatabase.temporary()
        let store = SQLiteAccountStore(database: database)
        return (AccountAdministration(store: store, domains: domains, iterations: iterations), store, database)
    }

    /// The stored keys of `hash`, checked as the SASL code would load them.
    static func credentials(_ stored: StoredCredentials, _ hash: SCRAMHash) throws -> SCRAMCredentials {
        let stored: SCRAMKeys? = switch hash {
        case .sha1: stored.sha1
        case .sha256: stored.sha256
        case .sha512: stored.sha512
        }
        let keys = try #require(stored)
        return try SCRAMCredentials(hash: hash, salt: keys.salt, iterations: keys.iterations, storedKey: keys.storedKey, serverKey: keys.serverKey)
    }

    @Test("Add stores SCRAM keys for SHA-1, SHA-256 and SHA-512 that verify the password")
    func addStoresCredentials() async throws {
        let (accounts, store, database) = try Self.administration(iterations: 5000)
        let jid = try await accounts.add("juliet@example.com", password: "r0m30 & juliet")
        #expect(jid == (try JID("juliet@example.com")))
        let stored = try #require(try await store.credentials(localpart: "juliet", domain: "example.com"))
        #expect(!stored.isDisabled)
        var salts: Set<[UInt8]> = []
        for hash in SCRAMHash.allCases {
            let credentials = try Self.credentials(stored, hash)
            #expect(credentials.iterations == 5000)
            #expect(credentials.salt.count == SCRAMCredentials.saltByteCount)
            #expect(credentials.verify(password: "r0m30 & juliet"))
            #expect(!credentials.verify(password: "romeo"))
            salts.insert(credentials.salt)
        }
        #expect(salts.count == 3, "each hash has its own salt")
        withExtendedLifetime(database) {}
    }

    @Test("Addresses are normalized as JIDs compare them")
    func normalizesAddress() async throws {
        let (accounts, store, database) = try Self.administration()
        let jid = try await accounts.add("Juliet@Example.COM", password: "secret")
        #expect(jid.description == "juliet@example.com")
        #expect(try await store.list(domain: "example.com") == ["juliet"])
        withExtendedLifetime(database) {}
    }

    @Test("An account is added once")
    func addTwice() async throws {
        let (accounts, _, database) = try Self.administration()
        try await accounts.add("juliet@example.com", password: "secret")
        await #expect {
            try await accounts.add("juliet@example.com", password: "other")
        } throws: { error in
            (error as? AccountAdministrationError)?.message
                == "The account 'juliet@example.com' already exists; use 'needletail user passwd juliet@example.com' to change its password."
        }
        withExtendedLifetime(database) {}
    }

    @Test("Accounts are refused on domains that are not served")
    func unservedDomain() async throws {
        let (accounts, _, database) = try Self.administration()
        await #expect {
            try await accounts.add("romeo@montague.example", password: "secret")
        } throws: { error in
            (error as? AccountAdministrationError)?.message
                == "The domain 'montague.example' is not served by this configuration ('example.com' and 'example.org'); add it to 'domains' first."
        }
        withExtendedLifetime(database) {}
    }

    struct AddressCase: Sendable, CustomTestStringConvertible {
        let address: String
        let message: String
        var testDescription: String { address }
    }

    @Test("Addresses that are not bare account JIDs are refused", arguments: [
        AddressCase(address: "example.com", message: "'example.com' has no localpart; give the account as user@example.com."),
        AddressCase(address: "juliet@example.com/balcony", message: "'juliet@example.com/balcony' has a resource; give the bare JID 'juliet@example.com'."),
        AddressCase(address: "@example.com", message: "'@example.com' is not a valid JID: the localpart is empty: a JID must not have '@' without a localpart before it (RFC 7622 §3.3)."),
    ])
    func invalidAddress(_ addressCase: AddressCase) async throws {
        let (accounts, _, database) = try Self.administration()
        #expect { try accounts.validatedAccount(addressCase.address) } throws: { error in
            (error as? AccountAdministrationError)?.code == .invalidAddress
                && (error as? AccountAdministrationError)?.message == addressCase.message
        }
        withExtendedLifetime(database) {}
    }

    @Test("An empty password is refused")
    func emptyPassword() async throws {
        let (accounts, _, database) = try Self.administration()
        await #expect {
            try await accounts.add("juliet@example.com", password: "")
        } throws: { error in
            (error as? AccountAdministrationError)?.code == .unusablePassword
        }
        withExtendedLifetime(database) {}
    }

    @Test("Too few iterations are refused before anything is stored")
    func tooFewIterations() async throws {
        let (accounts, store, database) = try Self.administration(iterations: 1000)
        await #expect {
            try await accounts.add("juliet@example.com", password: "secret")
        } throws: { error in
            (error as? AccountAdministrationError)?.message
                == "The iteration count 1000 is below the 4096 RFC 7677 §4 asks for; raise 'authentication.iterations'."
        }
        #expect(try await store.count() == 0)
        withExtendedLifetime(database) {}
    }

    @Test("Changing the password replaces every key and keeps the account disabled")
    func changePassword() async throws {
        let (accounts, store, database) = try Self.administration()
        try await accounts.add("juliet@example.com", password: "old")
        try await store.setDisabled(true, localpart: "juliet", domain: "example.com")
        try await accounts.changePassword("juliet@example.com", password: "new")
        let stored = try #require(try await store.credentials(localpart: "juliet", domain: "example.com"))
        #expect(stored.isDisabled)
        for hash in SCRAMHash.allCases {
            let credentials = try Self.credentials(stored, hash)
            #expect(credentials.verify(password: "new"))
            #expect(!credentials.verify(password: "old"))
        }
        withExtendedLifetime(database) {}
    }

    @Test("Changing the password of a missing account")
    func changeMissing() async throws {
        let (accounts, _, database) = try Self.administration()
        await #expect {
            try await accounts.changePassword("nobody@example.com", password: "x")
        } throws: { error in
            (error as? AccountAdministrationError)?.message == "There is no account 'nobody@example.com'."
        }
        withExtendedLifetime(database) {}
    }

    @Test("Delete removes the account; deleting again is an error")
    func delete() async throws {
        let (accounts, store, database) = try Self.administration()
        try await accounts.add("juliet@example.com", password: "secret")
        #expect(try await accounts.delete("juliet@example.com").description == "juliet@example.com")
        #expect(try await store.credentials(localpart: "juliet", domain: "example.com") == nil)
        await #expect {
            try await accounts.delete("juliet@example.com")
        } throws: { error in
            (error as? AccountAdministrationError)?.code == .notFound
        }
        withExtendedLifetime(database) {}
    }

    @Test("List gives every configured domain's accounts, or one domain's")
    func list() async throws {
        let (accounts, store, database) = try Self.administration()
        try await accounts.add("romeo@example.org", password: "a")
        try await accounts.add("juliet@example.com", password: "b")
        try await accounts.add("benvolio@example.com", password: "c")
        // An account of a domain no longer configured is not listed.
        try await store.create(localpart: "tybalt", domain: "capulet.example", credentials: AccountAdministration.credentials(password: "d", iterations: 4096))
        #expect(try await accounts.list().map(\.description) == ["benvolio@example.com", "juliet@example.com", "romeo@example.org"])
        #expect(try await accounts.list(domain: "Example.ORG").map(\.description) == ["romeo@example.org"])
        await #expect {
            try await accounts.list(domain: "capulet.example")
        } throws: { error in
            (error as? AccountAdministrationError)?.code == .domainNotServed
        }
        withExtendedLifetime(database) {}
    }

    @Test("The configuration gives the domains and the iteration count")
    func fromConfiguration() throws {
        let database = try SQLiteDatabase.temporary()
        var configuration = ServerConfiguration(domains: ["example.net"])
        configuration.authentication.iterations = 12_345
        let accounts = AccountAdministration(store: SQLiteAccountStore(database: database), configuration: configuration)
        #expect(accounts.domains == ["example.net"])
        #expect(accounts.iterations == 12_345)
    }

    @Test("Errors never repeat the password")
    func errorsHideThePassword() async throws {
        let (accounts, _, database) = try Self.administration(iterations: 10)
        let password = "correct horse battery staple"
        do {
            try await accounts.add("juliet@example.com", password: password)
            Issue.record("expected a refusal")
        } catch {
            #expect(!String(describing: error).contains(password))
        }
        withExtendedLifetime(database) {}
    }
}
