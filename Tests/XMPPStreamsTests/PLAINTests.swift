import Testing
import XMPPCore
import XMPPStreams

/// PLAIN (RFC 4616) on both sides, and the rule that it only runs inside TLS.
@Suite("PLAIN")
struct PLAINTests {
    static let user = try! JID("user@example.com")

    static func server(tlsActive: Bool = true) -> SASLServerStateMachine {
        SASLServerStateMachine(configuration: SASLFixtures.serverConfiguration(tlsActive: tlsActive))
    }

    static let credentials = try! SCRAMCredentials.derive(password: "pencil", hash: .sha256, iterations: 4096)

    @Test("The client sends authzid NUL authcid NUL password as the initial response")
    func clientMessage() {
        var client = SASLClientStateMachine(configuration: .init(
            username: "user", password: "pencil", authorizationIdentity: "user@example.com", allowedMechanisms: [.plain], tlsActive: true
        ))
        #expect(client.start(offeredMechanisms: ["PLAIN"])
            == .sendAuth(mechanism: .plain, initialResponse: Array("user@example.com\0user\0pencil".utf8)))
        #expect(client.successReceived(additionalData: nil) == .authenticated(.plain))
    }

    @Test("The right password succeeds, with no additional data")
    func success() {
        var server = Self.server()
        #expect(server.authReceived(mechanism: "PLAIN", initialResponse: Array("\0user\0pencil".utf8))
            == .lookUpCredentials(username: "user", hash: .sha256))
        #expect(server.credentialsLookedUp(.found(Self.credentials)) == .sendSuccess(authenticated: Self.user, additionalData: nil))
    }

    @Test("Credentials of any hash verify a PLAIN password", arguments: SCRAMHash.allCases)
    func anyHash(hash: SCRAMHash) throws {
        var server = Self.server()
        _ = server.authReceived(mechanism: "PLAIN", initialResponse: Array("\0user\0pencil".utf8))
        let credentials = try SCRAMCredentials.derive(password: "pencil", hash: hash, iterations: 4096)
        #expect(server.credentialsLookedUp(.found(credentials)) == .sendSuccess(authenticated: Self.user, additionalData: nil))
    }

    @Test("Without an initial response the server sends an empty challenge, then takes the message as a response")
    func emptyChallengeFirst() {
        var server = Self.server()
        #expect(server.authReceived(mechanism: "PLAIN", initialResponse: nil) == .sendChallenge([]))
        #expect(server.responseReceived(Array("\0user\0pencil".utf8)) == .lookUpCredentials(username: "user", hash: .sha256))
        #expect(server.credentialsLookedUp(.found(Self.credentials)) == .sendSuccess(authenticated: Self.user, additionalData: nil))
    }

    @Test("A wrong password gets <not-authorized/>", arguments: ["Pencil", "pencil ", "pencil2", "x"])
    func wrongPassword(password: String) {
        var server = Self.server()
        _ = server.authReceived(mechanism: "PLAIN", initialResponse: Array("\0user\0\(password)".utf8))
        #expect(server.credentialsLookedUp(.found(Self.credentials)) == .sendFailure(SASLFailure(.notAuthorized)))
    }

    @Test("An unknown user gets the same <not-authorized/> as a wrong password")
    func unknownUser() {
        var server = Self.server()
        _ = server.authReceived(mechanism: "PLAIN", initialResponse: Array("\0ghost\0pencil".utf8))
        #expect(server.credentialsLookedUp(.noSuchUser) == .sendFailure(SASLFailure(.notAuthorized)))
    }

    @Test("A password the OpaqueString profile refuses gets <not-authorized/> without a lookup")
    func unusablePassword() {
        var server = Self.server()
        #expect(server.authReceived(mechanism: "PLAIN", initialResponse: Array("\0user\0pen\u{7}cil".utf8))
            == .sendFailure(SASLFailure(.notAuthorized)))
    }

    @Test("The user's own bare JID as authzid is accepted, in any case", arguments: ["user@example.com", "USER@Example.COM"])
    func ownAuthzid(authzid: String) {
        var server = Self.server()
        #expect(server.authReceived(mechanism: "PLAIN", initialResponse: Array("\(authzid)\0user\0pencil".utf8))
            == .lookUpCredentials(username: "user", hash: .sha256))
        #expect(server.credentialsLookedUp(.found(Self.credentials)) == .sendSuccess(authenticated: Self.user, additionalData: nil))
    }

    @Test("Another authzid, a full JID, or one that is not a JID gets <invalid-authzid/>",
          arguments: ["admin@example.com", "user@example.com/res", "user@elsewhere.example", "@@"])
    func invalidAuthzid(authzid: String) {
        var server = Self.server()
        guard case .sendFailure(let failure) = server.authReceived(mechanism: "PLAIN", initialResponse: Array("\(authzid)\0user\0pencil".utf8)) else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.condition == .invalidAuthzid)
    }

    @Test("PLAIN is not offered without TLS, and refused if asked for")
    func refusedWithoutTLS() {
        let configuration = SASLFixtures.serverConfiguration(tlsActive: false)
        #expect(!configuration.offeredMechanisms.contains(.plain))
        #expect(SASLMechanism.offered(tlsActive: false, channelBindingAvailable: false, allowed: [.plain]).isEmpty)
        var server = Self.server(tlsActive: false)
        #expect(server.authReceived(mechanism: "PLAIN", initialResponse: Array("\0user\0pencil".utf8))
            == .sendFailure(SASLFailure(.encryptionRequired)))
    }

    @Test("A client without TLS will not use PLAIN even when offered")
    func clientRefusesWithoutTLS() {
        var client = SASLClientStateMachine(configuration: .init(username: "user", password: "pencil", tlsActive: false))
        guard case .fail(let error) = client.start(offeredMechanisms: ["PLAIN"]) else {
            Issue.record("expected the client to refuse")
            return
        }
        #expect(error.code == .noAcceptableMechanism)
    }

    @Test("A client with NUL in its username cannot build a message")
    func clientNUL() {
        var client = SASLClientStateMachine(configuration: .init(username: "us\0er", password: "pencil", tlsActive: true))
        guard case .fail(let error) = client.start(offeredMechanisms: ["PLAIN"]) else {
            Issue.record("expected the client to refuse")
            return
        }
        #expect(error.code == .invalidIdentity)
    }
}
