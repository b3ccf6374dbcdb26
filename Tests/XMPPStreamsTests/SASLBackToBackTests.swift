import Foundation
import Testing
import XMPPCore
import XMPPStreams

/// Runs a client machine against a server machine with no I/O, as
/// swift-nio-ssh's state machine tests do, answering the server's credential
/// lookups from an in-memory account table. Every element crosses as an
/// `XMPPElement`, so the wire helpers are exercised too.
struct SASLExchange {
    /// How the exchange ended.
    enum Outcome: Equatable {
        case authenticated(client: SASLMechanism, server: JID)
        case serverFailed(SASLFailure, client: SASLError?)
        case clientFailed(SASLError)
        /// The harness saw an action out of place (recorded as an issue too).
        case stalled(String)
    }

    var client: SASLClientStateMachine
    var server: SASLServerStateMachine
    var accounts: [String: SASLCredentialLookup]
    /// Every element sent, in order, for assertions on the wire.
    var transcript: [XMPPElement] = []
    /// The username and hash of every lookup.
    var lookups: [(username: String, hash: SCRAMHash)] = []

    mutating func run(offered: [String]) -> Outcome {
        var clientAction = client.start(offeredMechanisms: offered)
        for _ in 0..<10 {
            let element: XMPPElement
            switch clientAction {
            case .sendAuth(let mechanism, let initialResponse):
                element = SASLElement.auth(mechanism: mechanism.wireName, initialResponse: initialResponse).element
            case .sendResponse(let data):
                element = SASLElement.response(data).element
            case .sendAbort:
                element = SASLElement.abort.element
            case .authenticated, .fail, .wait:
                return stalled("client stopped early: \(clientAction)")
            }
            transcript.append(element)
            var serverAction = server.elementReceived(element)
            if case .lookUpCredentials(let username, let hash) = serverAction {
                lookups.append((username, hash))
                serverAction = server.credentialsLookedUp(accounts[username] ?? .noSuchUser)
            }
            let reply: XMPPElement
            switch serverAction {
            case .sendChallenge(let data):
                reply = SASLElement.challenge(data).element
            case .sendSuccess(let identity, let additionalData):
                let success = SASLElement.success(additionalData: additionalData).element
                transcript.append(success)
                switch client.elementReceived(success) {
                case .authenticated(let mechanism):
                    return .authenticated(client: mechanism, server: identity)
                case .fail(let error):
                    return .clientFailed(error)
                case let other:
                    return stalled("client answered success with \(other)")
                }
            case .sendFailure(let failure):
                let element = SASLElement.failure(failure).element
                transcript.append(element)
                if case .fail(let error) = client.elementReceived(element) {
                    return .serverFailed(failure, client: error)
                }
                return .serverFailed(failure, client: nil)
            case .lookUpCredentials, .wait:
                return stalled("server stalled: \(serverAction)")
            }
            transcript.append(reply)
            clientAction = client.elementReceived(reply)
            if case .fail(let error) = clientAction { return .clientFailed(error) }
        }
        return stalled("exchange did not finish")
    }

    private func stalled(_ reason: String) -> Outcome {
        Issue.record(Comment(rawValue: reason))
        return .stalled(reason)
    }
}

/// Shared fixtures.
enum SASLFixtures {
    static let domain = try! JID("example.com")
    static let secret: [UInt8] = Array(repeating: 7, count: 32)
    static let certificateBinding = ChannelBinding.tlsServerEndPoint(data: Array(repeating: 0xAB, count: 32))

    static func serverConfiguration(
        tlsActive: Bool = true,
        channelBinding: ChannelBinding? = nil,
        allowed: [SASLMechanism] = SASLMechanism.allCases
    ) -> SASLServerStateMachine.Configuration {
        .init(
            domain: domain,
            tlsActive: tlsActive,
            channelBinding: channelBinding,
            allowedMechanisms: allowed,
            unknownUserSecret: secret,
            unknownUserIterations: 4096
        )
    }

    /// Accounts keyed by prepared username, with keys for every hash.
    static func accounts(_ users: [String: String], status: SASLAccountStatus = .active) -> [SCRAMHash: [String: SASLCredentialLookup]] {
        var result: [SCRAMHash: [String: SASLCredentialLookup]] = [:]
        for hash in SCRAMHash.allCases {
            for (user, password) in users {
                let credentials = try! SCRAMCredentials.derive(password: password, hash: hash, iterations: 4096)
                result[hash, default: [:]][user] = .found(credentials, status: status)
            }
        }
        return result
    }

    static let pencilAccounts = accounts(["user": "pencil"])

    static func exchange(
        mechanism: SASLMechanism,
        username: String = "user",
        password: String = "pencil",
        authorizationIdentity: String? = nil,
        clientBinding: ChannelBinding? = nil,
        serverBinding: ChannelBinding? = nil,
        accounts: [SCRAMHash: [String: SASLCredentialLookup]] = pencilAccounts
    ) -> SASLExchange {
        let client = SASLClientStateMachine(configuration: .init(
            username: username,
            password: password,
            authorizationIdentity: authorizationIdentity,
            allowedMechanisms: [mechanism],
            tlsActive: true,
            channelBinding: clientBinding
        ))
        let server = SASLServerStateMachine(configuration: serverConfiguration(channelBinding: serverBinding))
        return SASLExchange(client: client, server: server, accounts: accounts[mechanism.scramHash ?? .sha256] ?? [:])
    }
}

@Suite("SASL client against server")
struct SASLBackToBackTests {
    static let scramMechanisms: [SASLMechanism] = [.scramSHA1, .scramSHA256, .scramSHA512]
    static let plusMechanisms: [SASLMechanism] = [.scramSHA1Plus, .scramSHA256Plus, .scramSHA512Plus]

    @Test("SCRAM without channel binding authenticates", arguments: scramMechanisms)
    func scramAuthenticates(mechanism: SASLMechanism) {
        var exchange = SASLFixtures.exchange(mechanism: mechanism)
        #expect(exchange.run(offered: [mechanism.wireName]) == .authenticated(client: mechanism, server: try! JID("user@example.com")))
        #expect(exchange.lookups.map(\.hash) == [mechanism.scramHash!])
    }

    @Test("SCRAM -PLUS with matching tls-server-end-point data authenticates", arguments: plusMechanisms)
    func plusAuthenticates(mechanism: SASLMechanism) {
        let binding = SASLFixtures.certificateBinding
        var exchange = SASLFixtures.exchange(mechanism: mechanism, clientBinding: binding, serverBinding: binding)
        #expect(exchange.run(offered: [mechanism.wireName]) == .authenticated(client: mechanism, server: try! JID("user@example.com")))
        // The client-first-message starts with the GS2 header p=tls-server-end-point (RFC 5802 §7).
        let auth = try! SASLElement(exchange.transcript[0])
        guard case .auth(_, let initial?) = auth else {
            Issue.record("no initial response")
            return
        }
        #expect(String(decoding: initial, as: UTF8.self).hasPrefix("p=tls-server-end-point,,n=user,r="))
    }

    @Test("-PLUS fails when the client's binding data differs from the server's", arguments: plusMechanisms)
    func plusMismatchFails(mechanism: SASLMechanism) {
        var exchange = SASLFixtures.exchange(
            mechanism: mechanism,
            clientBinding: .tlsServerEndPoint(data: Array(repeating: 0xCD, count: 32)),
            serverBinding: SASLFixtures.certificateBinding
        )
        guard case .serverFailed(let failure, _) = exchange.run(offered: [mechanism.wireName]) else {
            Issue.record("expected a server failure")
            return
        }
        #expect(failure.condition == .notAuthorized)
    }

    @Test("The client picks the strongest mechanism both sides allow")
    func picksStrongest() {
        let binding = SASLFixtures.certificateBinding
        let configuration = SASLFixtures.serverConfiguration(channelBinding: binding)
        var exchange = SASLExchange(
            client: SASLClientStateMachine(configuration: .init(username: "user", password: "pencil", tlsActive: true, channelBinding: binding)),
            server: SASLServerStateMachine(configuration: configuration),
            accounts: SASLFixtures.pencilAccounts[.sha512]!
        )
        let offered = configuration.offeredMechanisms.map(\.wireName)
        #expect(exchange.run(offered: offered) == .authenticated(client: .scramSHA512Plus, server: try! JID("user@example.com")))
    }

    @Test("SCRAM with a wrong password is not-authorized", arguments: scramMechanisms + [.plain])
    func wrongPassword(mechanism: SASLMechanism) {
        var exchange = SASLFixtures.exchange(mechanism: mechanism, password: "pencil2")
        #expect(exchange.run(offered: [mechanism.wireName]) == .serverFailed(
            SASLFailure(.notAuthorized),
            client: exchange.expectedClientError(SASLFailure(.notAuthorized))
        ))
    }

    @Test("An unknown user and a wrong password look the same on the wire", arguments: scramMechanisms)
    func unknownUserIndistinguishable(mechanism: SASLMechanism) throws {
        var unknown = SASLFixtures.exchange(mechanism: mechanism, username: "nobody")
        var wrong = SASLFixtures.exchange(mechanism: mechanism, password: "wrong")
        let unknownOutcome = unknown.run(offered: [mechanism.wireName])
        let wrongOutcome = wrong.run(offered: [mechanism.wireName])
        #expect(unknownOutcome == wrongOutcome)
        #expect(unknown.transcript.map(\.name) == wrong.transcript.map(\.name))
        #expect(unknown.transcript.last == wrong.transcript.last)
        #expect(unknown.lookups.map(\.username) == ["nobody"])
        // The unknown user's server-first-message has a salt of a real salt's
        // length and the configured iterations.
        let challenge = try #require(unknown.transcript.first { $0.name == "challenge" })
        guard case .challenge(let serverFirst) = try SASLElement(challenge) else {
            Issue.record("no challenge")
            return
        }
        let text = String(decoding: serverFirst, as: UTF8.self)
        let parts = text.split(separator: ",")
        #expect(parts.count == 3)
        #expect(parts[2] == "i=4096")
        #expect(Data(base64Encoded: String(parts[1].dropFirst(2)))?.count == SCRAMCredentials.saltByteCount)
    }

    @Test("An unknown user gets the same salt each time, and a different one from another unknown user")
    func unknownUserSaltIsStable() throws {
        func serverFirst(for username: String) -> String {
            var server = SASLServerStateMachine(configuration: SASLFixtures.serverConfiguration(), serverNonce: "abc")
            _ = server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: Array("n,,n=\(username),r=xyz".utf8))
            guard case .sendChallenge(let data) = server.credentialsLookedUp(.noSuchUser) else { return "" }
            return String(decoding: data, as: UTF8.self)
        }
        #expect(serverFirst(for: "ghost") == serverFirst(for: "ghost"))
        #expect(serverFirst(for: "ghost") != serverFirst(for: "phantom"))
        #expect(serverFirst(for: "ghost").hasPrefix("r=xyzabc,s="))
    }

    @Test("Usernames are prepared as localparts before the lookup")
    func usernamePrepared() {
        var exchange = SASLFixtures.exchange(mechanism: .scramSHA256, username: "USER")
        #expect(exchange.run(offered: ["SCRAM-SHA-256"]) == .authenticated(client: .scramSHA256, server: try! JID("user@example.com")))
        #expect(exchange.lookups.map(\.username) == ["user"])
    }

    @Test("A username with , and = is escaped on the wire and restored by the server")
    func usernameEscaping() {
        let accounts = SASLFixtures.accounts(["a,b=c": "pencil"])
        var exchange = SASLFixtures.exchange(mechanism: .scramSHA1, username: "a,b=c", accounts: accounts)
        #expect(exchange.run(offered: ["SCRAM-SHA-1"]) == .authenticated(client: .scramSHA1, server: try! JID("a,b=c@example.com")))
        guard case .auth(_, let initial?) = try? SASLElement(exchange.transcript[0]) else {
            Issue.record("no initial response")
            return
        }
        #expect(String(decoding: initial, as: UTF8.self).hasPrefix("n,,n=a=2Cb=3Dc,r="))
    }

    @Test("A Unicode password in another normalization form still authenticates")
    func passwordNormalized() {
        // "é" precomposed at registration, decomposed at login: NFC makes them equal.
        let accounts = SASLFixtures.accounts(["user": "caf\u{E9}"])
        var exchange = SASLFixtures.exchange(mechanism: .scramSHA256, password: "cafe\u{301}", accounts: accounts)
        #expect(exchange.run(offered: ["SCRAM-SHA-256"]) == .authenticated(client: .scramSHA256, server: try! JID("user@example.com")))
    }

    @Test("An authzid equal to the user's own bare JID is accepted", arguments: scramMechanisms + [.plain])
    func ownAuthzid(mechanism: SASLMechanism) {
        var exchange = SASLFixtures.exchange(mechanism: mechanism, authorizationIdentity: "user@example.com")
        #expect(exchange.run(offered: [mechanism.wireName]) == .authenticated(client: mechanism, server: try! JID("user@example.com")))
    }

    @Test("account-disabled is reported only to a client that proved the password")
    func disabledAccountAfterProof() {
        let accounts = SASLFixtures.accounts(["user": "pencil"], status: .disabled)
        var right = SASLFixtures.exchange(mechanism: .scramSHA256, accounts: accounts)
        var wrong = SASLFixtures.exchange(mechanism: .scramSHA256, password: "nope", accounts: accounts)
        #expect(right.run(offered: ["SCRAM-SHA-256"]) == .serverFailed(
            SASLFailure(.accountDisabled), client: right.expectedClientError(SASLFailure(.accountDisabled))))
        // Without the password, a disabled account looks like any other refusal.
        #expect(wrong.run(offered: ["SCRAM-SHA-256"]) == .serverFailed(
            SASLFailure(.notAuthorized), client: wrong.expectedClientError(SASLFailure(.notAuthorized))))
    }
}

extension SASLExchange {
    /// What the client reports when the server sends `failure`.
    func expectedClientError(_ failure: SASLFailure) -> SASLError? {
        var probe = SASLClientStateMachine(configuration: .init(username: "u", password: "p", tlsActive: true))
        if case .fail(let error) = probe.failureReceived(failure) { return error }
        return nil
    }
}
