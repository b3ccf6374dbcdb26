import Testing
import XMPPCore
@testable import XMPPStreams

/// A client keeping its SCRAM keys between logins (RFC 5802 §5.1): derived
/// once per salt, reused at the next login, derived again when the salt changes.
@Suite("SCRAM key cache")
struct SCRAMKeyCacheTests {
    func exchange(cache: SCRAMKeyCache, password: String = "pencil", accounts: [SCRAMHash: [String: SASLCredentialLookup]]) -> SASLExchange {
        let client = SASLClientStateMachine(configuration: .init(
            username: "user", password: password, allowedMechanisms: [.scramSHA1], tlsActive: true, keyCache: cache))
        let server = SASLServerStateMachine(configuration: SASLFixtures.serverConfiguration())
        return SASLExchange(client: client, server: server, accounts: accounts[.sha1] ?? [:])
    }

    @Test func aSecondLoginReusesTheKeysAndStillAuthenticates() {
        let cache = SCRAMKeyCache()
        let accounts = SASLFixtures.pencilAccounts
        var first = exchange(cache: cache, accounts: accounts)
        #expect(first.run(offered: ["SCRAM-SHA-1"]) == .authenticated(client: .scramSHA1, server: try! JID("user@example.com")))
        #expect(cache.count == 1)
        var second = exchange(cache: cache, accounts: accounts)
        #expect(second.run(offered: ["SCRAM-SHA-1"]) == .authenticated(client: .scramSHA1, server: try! JID("user@example.com")))
        #expect(cache.count == 1)
    }

    @Test func aNewSaltDerivesAfresh() {
        let cache = SCRAMKeyCache()
        var first = exchange(cache: cache, accounts: SASLFixtures.pencilAccounts)
        _ = first.run(offered: ["SCRAM-SHA-1"])
        // The password was changed: new salt, new keys; the old ones do not serve.
        let changed = SASLFixtures.accounts(["user": "pencil"])
        var second = exchange(cache: cache, accounts: changed)
        #expect(second.run(offered: ["SCRAM-SHA-1"]) == .authenticated(client: .scramSHA1, server: try! JID("user@example.com")))
        #expect(cache.count == 2)
    }
}
