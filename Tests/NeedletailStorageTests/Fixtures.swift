import NeedletailStorage
@testable import XMPPCore

extension SCRAMKeys {
    /// Keys of a realistic shape whose bytes depend on `seed` and cover 0x00 and 0xFF.
    static func fixture(_ seed: UInt8, keyLength: Int, iterations: Int = 4096) -> SCRAMKeys {
        func bytes(_ count: Int, _ offset: Int) -> [UInt8] {
            (0..<count).map { UInt8(truncatingIfNeeded: Int(seed) &* 37 &+ offset &+ $0 &* 53) }
        }
        return SCRAMKeys(
            salt: bytes(16, 0) + [0x00, 0xFF],
            iterations: iterations,
            storedKey: bytes(keyLength, 1),
            serverKey: bytes(keyLength, 2)
        )
    }
}

extension StoredCredentials {
    /// Keys for all three hash functions, distinct for each `seed`.
    static func fixture(_ seed: UInt8, isDisabled: Bool = false) -> StoredCredentials {
        StoredCredentials(
            sha1: .fixture(seed, keyLength: 20),
            sha256: .fixture(seed &+ 1, keyLength: 32, iterations: 5000),
            sha512: .fixture(seed &+ 2, keyLength: 64, iterations: 10000),
            isDisabled: isDisabled
        )
    }
}

extension JID {
    /// An account JID from parts already in normalized form (lowercase ASCII), so
    /// no parsing can fail.
    static func fixture(_ localpart: String, _ domain: String) -> JID {
        JID(normalizedLocalpart: localpart, domainpart: domain, resourcepart: nil)
    }

    static let juliet = JID.fixture("juliet", "capulet.example")
    static let nurse = JID.fixture("nurse", "capulet.example")
    static let romeo = JID.fixture("romeo", "montague.example")
    static let benvolio = JID.fixture("benvolio", "montague.example")
    static let mercutio = JID.fixture("mercutio", "verona.example")
}

extension AccountStore {
    /// Creates the account `jid` names, with fixture credentials.
    func createAccount(_ jid: JID) async throws {
        try await create(localpart: jid.localpart ?? "", domain: jid.domainpart, credentials: .fixture(1))
    }

    /// Deletes the account `jid` names.
    @discardableResult
    func deleteAccount(_ jid: JID) async throws -> Bool {
        try await delete(localpart: jid.localpart ?? "", domain: jid.domainpart)
    }
}
