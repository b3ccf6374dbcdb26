import Foundation
import Testing
import XMPPCore
import XMPPStreams

/// Each RFC 6120 §6.5 condition the server can return, from the input that
/// causes it. The messages are written by hand (RFC 5802 §7 syntax) so each
/// test shows exactly what the client sent.
@Suite("SASL server failures")
struct SASLServerFailureTests {
    static let user = try! JID("user@example.com")

    /// A server for one exchange with a fixed nonce.
    static func server(
        tlsActive: Bool = true,
        channelBinding: ChannelBinding? = nil,
        allowed: [SASLMechanism] = SASLMechanism.allCases
    ) -> SASLServerStateMachine {
        SASLServerStateMachine(
            configuration: SASLFixtures.serverConfiguration(tlsActive: tlsActive, channelBinding: channelBinding, allowed: allowed),
            serverNonce: "SERVER"
        )
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func credentials(_ hash: SCRAMHash = .sha256) -> SCRAMCredentials {
        try! SCRAMCredentials.derive(password: "pencil", hash: hash, iterations: 4096)
    }

    /// Runs SCRAM-SHA-256 up to the server-first-message and returns it.
    static func serverAwaitingClientFinal(
        clientFirst: String = "n,,n=user,r=CLIENT",
        lookup: SASLCredentialLookup = .found(credentials()),
        mechanism: SASLMechanism = .scramSHA256,
        channelBinding: ChannelBinding? = nil
    ) -> SASLServerStateMachine {
        var server = server(channelBinding: channelBinding)
        #expect(server.authReceived(mechanism: mechanism.wireName, initialResponse: bytes(clientFirst))
            == .lookUpCredentials(username: "user", hash: mechanism.scramHash!))
        guard case .sendChallenge = server.credentialsLookedUp(lookup) else {
            Issue.record("no server-first-message")
            return server
        }
        return server
    }

    static func expectFailure(_ action: SASLServerStateMachine.Action, _ condition: SASLFailureCondition,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .sendFailure(let failure) = action else {
            Issue.record("expected <\(condition.rawValue)/>, got \(action)", sourceLocation: sourceLocation)
            return
        }
        #expect(failure.condition == condition, sourceLocation: sourceLocation)
    }

    // MARK: aborted

    @Test("<abort/> mid-exchange gets <aborted/> (RFC 6120 §6.4.4)")
    func aborted() {
        var server = Self.server()
        _ = server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: nil)
        Self.expectFailure(server.elementReceived(SASLElement.abort.element), .aborted)
        #expect(server.isFinished)
    }

    @Test("<abort/> while storage is answering: the late answer is ignored")
    func abortedDuringLookup() {
        var server = Self.server()
        _ = server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: Self.bytes("n,,n=user,r=CLIENT"))
        Self.expectFailure(server.abortReceived(), .aborted)
        #expect(server.credentialsLookedUp(.found(Self.credentials())) == .wait)
    }

    // MARK: account-disabled, credentials-expired

    @Test("A disabled account with the right password gets <account-disabled/>")
    func accountDisabled() {
        var server = Self.server()
        _ = server.authReceived(mechanism: "PLAIN", initialResponse: Self.bytes("\0user\0pencil"))
        Self.expectFailure(server.credentialsLookedUp(.found(Self.credentials(), status: .disabled)), .accountDisabled)
    }

    @Test("An account with expired credentials and the right proof gets <credentials-expired/>")
    func credentialsExpired() {
        var exchange = SASLFixtures.exchange(
            mechanism: .scramSHA512,
            accounts: SASLFixtures.accounts(["user": "pencil"], status: .credentialsExpired)
        )
        guard case .serverFailed(let failure, _) = exchange.run(offered: ["SCRAM-SHA-512"]) else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.condition == .credentialsExpired)
    }

    // MARK: encryption-required

    @Test("PLAIN on a stream without TLS gets <encryption-required/>")
    func encryptionRequired() {
        var server = Self.server(tlsActive: false)
        Self.expectFailure(server.authReceived(mechanism: "PLAIN", initialResponse: Self.bytes("\0user\0pencil")), .encryptionRequired)
    }

    // MARK: incorrect-encoding

    @Test("Payloads that are not strict base 64 get <incorrect-encoding/>", arguments: ["!!!!", "bix", "biws\n", " biws", "b iws", "biws=", "bi=s"])
    func incorrectEncoding(payload: String) {
        var server = Self.server()
        let auth = XMPPElement("auth", namespace: Namespace.sasl, attributes: [XMLAttribute("mechanism", value: "SCRAM-SHA-1")], text: payload)
        Self.expectFailure(server.elementReceived(auth), .incorrectEncoding)
    }

    @Test("A <response/> that is not base 64 gets <incorrect-encoding/>")
    func incorrectEncodingInResponse() {
        var server = Self.server()
        _ = server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: nil)
        Self.expectFailure(server.elementReceived(XMPPElement("response", namespace: Namespace.sasl, text: "%%%%")), .incorrectEncoding)
    }

    // MARK: invalid-authzid

    @Test("An authzid other than the user's own bare JID gets <invalid-authzid/>",
          arguments: ["other@example.com", "user@example.com/phone", "example.com", "user@other.example", "not a jid@"])
    func invalidAuthzidSCRAM(authzid: String) {
        var server = Self.server()
        let escaped = authzid.replacingOccurrences(of: "=", with: "=3D").replacingOccurrences(of: ",", with: "=2C")
        Self.expectFailure(server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: Self.bytes("n,a=\(escaped),n=user,r=CLIENT")), .invalidAuthzid)
    }

    @Test("PLAIN with someone else's authzid gets <invalid-authzid/>")
    func invalidAuthzidPLAIN() {
        var server = Self.server()
        Self.expectFailure(server.authReceived(mechanism: "PLAIN", initialResponse: Self.bytes("admin@example.com\0user\0pencil")), .invalidAuthzid)
    }

    @Test("An authzid that differs only in case from the user's JID is the same JID")
    func authzidPrepared() {
        var server = Self.server()
        #expect(server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: Self.bytes("n,a=User@EXAMPLE.com,n=user,r=CLIENT"))
            == .lookUpCredentials(username: "user", hash: .sha256))
    }

    // MARK: invalid-mechanism

    @Test("A mechanism we do not support gets <invalid-mechanism/>", arguments: ["DIGEST-MD5", "scram-sha-1", "EXTERNAL", "X-OAUTH2"])
    func invalidMechanism(name: String) {
        var server = Self.server()
        Self.expectFailure(server.authReceived(mechanism: name, initialResponse: nil), .invalidMechanism)
    }

    @Test("<auth/> without a mechanism attribute gets <invalid-mechanism/>")
    func missingMechanism() {
        var server = Self.server()
        Self.expectFailure(server.elementReceived(XMPPElement("auth", namespace: Namespace.sasl)), .invalidMechanism)
    }

    @Test("A -PLUS mechanism on a stream without channel binding gets <invalid-mechanism/>")
    func plusWithoutChannelBinding() {
        var server = Self.server(channelBinding: nil)
        Self.expectFailure(server.authReceived(mechanism: "SCRAM-SHA-256-PLUS", initialResponse: nil), .invalidMechanism)
    }

    // MARK: malformed-request

    @Test("SCRAM messages breaking RFC 5802 §7 get <malformed-request/>", arguments: [
        "",                                   // empty
        "n,,r=CLIENT",                        // no username
        "n,,n=user",                          // no nonce
        "n,,n=user,r=",                       // empty nonce
        "x,,n=user,r=CLIENT",                 // bad gs2-cbind-flag
        "n,x=y,n=user,r=CLIENT",              // bad authzid field
        "n,,m=ext,n=user,r=CLIENT",           // unsupported mandatory extension (RFC 5802 §5.1)
        "n,,n=us=er,r=CLIENT",                // bad saslname escape
        "n,,n=,r=CLIENT",                     // empty username
        "n,,n=user,r=CLI\u{7F}ENT",           // nonce outside printable
        "n,,n=user,r=CLIENT,1=x",             // bad extension
        "n,n=user,r=CLIENT",                  // no authzid field
        "n,,n=user\u{0},r=CLIENT",            // NUL
    ])
    func malformedClientFirst(message: String) {
        var server = Self.server()
        Self.expectFailure(server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: Self.bytes(message)), .malformedRequest)
    }

    @Test("A client-first-message that is not UTF-8 gets <malformed-request/>")
    func malformedUTF8() {
        var server = Self.server()
        Self.expectFailure(server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: [0x6E, 0x2C, 0x2C, 0xFF]), .malformedRequest)
    }

    @Test("Channel binding requested ('p') with a mechanism without -PLUS gets <malformed-request/> (RFC 5802 §6)")
    func pFlagOnNonPlus() {
        var server = Self.server(channelBinding: SASLFixtures.certificateBinding)
        Self.expectFailure(
            server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: Self.bytes("p=tls-server-end-point,,n=user,r=CLIENT")),
            .malformedRequest
        )
    }

    @Test("A -PLUS mechanism with 'n' or 'y' gets <malformed-request/>", arguments: ["n", "y"])
    func plusWithoutBindingFlag(flag: String) {
        var server = Self.server(channelBinding: SASLFixtures.certificateBinding)
        Self.expectFailure(
            server.authReceived(mechanism: "SCRAM-SHA-256-PLUS", initialResponse: Self.bytes("\(flag),,n=user,r=CLIENT")),
            .malformedRequest
        )
    }

    @Test("A channel binding type other than tls-server-end-point gets <malformed-request/>", arguments: ["tls-unique", "tls-exporter"])
    func unsupportedBindingType(type: String) {
        var server = Self.server(channelBinding: SASLFixtures.certificateBinding)
        Self.expectFailure(
            server.authReceived(mechanism: "SCRAM-SHA-256-PLUS", initialResponse: Self.bytes("p=\(type),,n=user,r=CLIENT")),
            .malformedRequest
        )
    }

    @Test("Client-final-messages breaking RFC 5802 §7 get <malformed-request/>", arguments: [
        "c=biws,r=CLIENTSERVER",                    // no proof
        "r=CLIENTSERVER,c=biws,p=AAAA",             // wrong order
        "c=biws,r=CLIENTSERVER,p=***",              // proof not base 64
        "c=b%ws,r=CLIENTSERVER,p=AAAA",             // channel binding not base 64
        "c=biws,r=,p=AAAA",                         // empty nonce
        "garbage",
    ])
    func malformedClientFinal(message: String) {
        var server = Self.serverAwaitingClientFinal()
        Self.expectFailure(server.responseReceived(Self.bytes(message)), .malformedRequest)
    }

    @Test("A <response/> before any <auth/> gets <malformed-request/>")
    func responseBeforeAuth() {
        var server = Self.server()
        Self.expectFailure(server.responseReceived(Self.bytes("n,,n=user,r=CLIENT")), .malformedRequest)
    }

    @Test("A <response/> while credentials are being looked up gets <malformed-request/>")
    func responseDuringLookup() {
        var server = Self.server()
        _ = server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: Self.bytes("n,,n=user,r=CLIENT"))
        Self.expectFailure(server.responseReceived(Self.bytes("c=biws,r=CLIENTSERVER,p=AAAA")), .malformedRequest)
        #expect(server.credentialsLookedUp(.found(Self.credentials())) == .wait)
    }

    @Test("A second <auth/> mid-exchange gets <malformed-request/>")
    func secondAuth() {
        var server = Self.server()
        _ = server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: nil)
        Self.expectFailure(server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: nil), .malformedRequest)
    }

    @Test("Server-only elements and other namespaces from a client get <malformed-request/>")
    func serverElementsFromClient() {
        for element in [
            SASLElement.challenge([1]).element,
            SASLElement.success(additionalData: nil).element,
            XMPPElement("auth", namespace: Namespace.client, attributes: [XMLAttribute("mechanism", value: "PLAIN")]),
            XMPPElement("bogus", namespace: Namespace.sasl),
        ] {
            var server = Self.server()
            Self.expectFailure(server.elementReceived(element), .malformedRequest)
        }
    }

    @Test("Anything after the exchange has finished gets <malformed-request/>")
    func afterFinish() {
        var server = Self.server()
        _ = server.authReceived(mechanism: "DIGEST-MD5", initialResponse: nil)
        Self.expectFailure(server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: nil), .malformedRequest)
        Self.expectFailure(server.abortReceived(), .malformedRequest)
    }

    @Test("PLAIN messages breaking RFC 4616 §2 get <malformed-request/>", arguments: [
        "user\0pencil",            // two fields
        "\0\0pencil",              // empty authcid
        "\0user\0",                // empty password
        "",                        // nothing
    ])
    func malformedPLAIN(message: String) {
        var server = Self.server()
        Self.expectFailure(server.authReceived(mechanism: "PLAIN", initialResponse: Self.bytes(message)), .malformedRequest)
    }

    @Test("PLAIN fields that are not UTF-8 or too long get <malformed-request/>")
    func malformedPLAINBytes() {
        var invalid = Self.server()
        Self.expectFailure(invalid.authReceived(mechanism: "PLAIN", initialResponse: [0, 0x75, 0xC3, 0, 0x70]), .malformedRequest)
        var long = Self.server()
        Self.expectFailure(long.authReceived(mechanism: "PLAIN", initialResponse: [0] + Array(repeating: 0x61, count: 2000) + [0, 0x70]), .malformedRequest)
    }

    // MARK: mechanism-too-weak

    @Test("A mechanism server policy excludes gets <mechanism-too-weak/>")
    func mechanismTooWeak() {
        var server = Self.server(allowed: [.scramSHA256, .scramSHA512])
        Self.expectFailure(server.authReceived(mechanism: "SCRAM-SHA-1", initialResponse: nil), .mechanismTooWeak)
    }

    // MARK: not-authorized

    @Test("A wrong proof gets <not-authorized/>")
    func wrongProof() {
        var server = Self.serverAwaitingClientFinal()
        let proof = Data(repeating: 1, count: 32).base64EncodedString()
        Self.expectFailure(server.responseReceived(Self.bytes("c=biws,r=CLIENTSERVER,p=\(proof)")), .notAuthorized)
    }

    @Test("A proof of the wrong length gets <not-authorized/>")
    func shortProof() {
        var server = Self.serverAwaitingClientFinal()
        Self.expectFailure(server.responseReceived(Self.bytes("c=biws,r=CLIENTSERVER,p=AAAA")), .notAuthorized)
    }

    @Test("A well-formed but different nonce gets <not-authorized/>", arguments: ["CLIENTSERVEX", "CLIENT", "OTHERSERVER"])
    func wrongNonce(nonce: String) {
        var server = Self.serverAwaitingClientFinal()
        let proof = Data(repeating: 1, count: 32).base64EncodedString()
        Self.expectFailure(server.responseReceived(Self.bytes("c=biws,r=\(nonce),p=\(proof)")), .notAuthorized)
    }

    @Test("A c= attribute that does not repeat the GS2 header gets <not-authorized/>")
    func gs2HeaderMismatch() {
        var server = Self.serverAwaitingClientFinal()
        let proof = Data(repeating: 1, count: 32).base64EncodedString()
        // "eSws" is "y,,", but the client-first-message said "n,,".
        Self.expectFailure(server.responseReceived(Self.bytes("c=eSws,r=CLIENTSERVER,p=\(proof)")), .notAuthorized)
    }

    @Test("Channel binding data that differs from the server's gets <not-authorized/>")
    func channelBindingMismatch() {
        let binding = SASLFixtures.certificateBinding
        var server = Self.serverAwaitingClientFinal(
            clientFirst: "p=tls-server-end-point,,n=user,r=CLIENT",
            mechanism: .scramSHA256Plus,
            channelBinding: binding
        )
        let forged = Data(Array("p=tls-server-end-point,,".utf8) + Array(repeating: 0, count: 32)).base64EncodedString()
        let proof = Data(repeating: 1, count: 32).base64EncodedString()
        Self.expectFailure(server.responseReceived(Self.bytes("c=\(forged),r=CLIENTSERVER,p=\(proof)")), .notAuthorized)
    }

    @Test("'y' while the server offers -PLUS is a downgrade and gets <not-authorized/> (RFC 5802 §6)")
    func downgradeDetected() {
        var server = Self.server(channelBinding: SASLFixtures.certificateBinding)
        Self.expectFailure(server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: Self.bytes("y,,n=user,r=CLIENT")), .notAuthorized)
    }

    @Test("'y' is accepted when the server offers no -PLUS mechanism")
    func yWithoutPlusOffer() {
        var server = Self.server(channelBinding: nil)
        #expect(server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: Self.bytes("y,,n=user,r=CLIENT"))
            == .lookUpCredentials(username: "user", hash: .sha256))
    }

    @Test("An unknown user gets <not-authorized/>, after a normal-looking challenge")
    func unknownUser() {
        var server = Self.server()
        _ = server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: Self.bytes("n,,n=ghost,r=CLIENT"))
        guard case .sendChallenge(let serverFirst) = server.credentialsLookedUp(.noSuchUser) else {
            Issue.record("expected a challenge")
            return
        }
        #expect(String(decoding: serverFirst, as: UTF8.self).hasPrefix("r=CLIENTSERVER,s="))
        let proof = Data(repeating: 1, count: 32).base64EncodedString()
        Self.expectFailure(server.responseReceived(Self.bytes("c=biws,r=CLIENTSERVER,p=\(proof)")), .notAuthorized)
    }

    @Test("Credentials for another hash than the mechanism's are treated as an unknown user")
    func wrongHashCredentials() {
        var server = Self.server()
        _ = server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: Self.bytes("n,,n=user,r=CLIENT"))
        guard case .sendChallenge = server.credentialsLookedUp(.found(Self.credentials(.sha1))) else {
            Issue.record("expected a challenge")
            return
        }
    }

    @Test("A username that cannot be a localpart gets <not-authorized/>", arguments: ["us er", "a@b", "a/b"])
    func unpreparableUsername(username: String) {
        var server = Self.server()
        Self.expectFailure(server.authReceived(mechanism: "SCRAM-SHA-256", initialResponse: Self.bytes("n,,n=\(username),r=CLIENT")), .notAuthorized)
    }

    // MARK: temporary-auth-failure

    @Test("Storage failing gets <temporary-auth-failure/>", arguments: [SASLMechanism.scramSHA256, .plain])
    func temporaryAuthFailure(mechanism: SASLMechanism) {
        var server = Self.server()
        let message = mechanism == .plain ? "\0user\0pencil" : "n,,n=user,r=CLIENT"
        _ = server.authReceived(mechanism: mechanism.wireName, initialResponse: Self.bytes(message))
        Self.expectFailure(server.credentialsLookedUp(.temporarilyUnavailable), .temporaryAuthFailure)
    }
}
