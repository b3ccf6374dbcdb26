import Foundation
import Testing
import XMPPCore
import XMPPStreams

/// The client side against hostile or broken servers: each refusal a client
/// must make (RFC 5802 §5.1, §9; RFC 7677 §4).
@Suite("SASL client")
struct SASLClientTests {
    static let serverFirst = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"

    /// A SCRAM-SHA-1 client that has sent the RFC 5802 §5 client-first-message.
    static func started(maximumIterations: Int = 1_000_000, channelBinding: ChannelBinding? = nil,
                        offered: [String] = ["SCRAM-SHA-1"]) -> SASLClientStateMachine {
        var client = SASLClientStateMachine(
            configuration: .init(
                username: "user", password: "pencil", allowedMechanisms: [.scramSHA1, .scramSHA1Plus], tlsActive: true,
                channelBinding: channelBinding, maximumIterations: maximumIterations
            ),
            clientNonce: "fyko+d2lbbFgONRv9qkxdawL"
        )
        _ = client.start(offeredMechanisms: offered)
        return client
    }

    static func expectError(_ action: SASLClientStateMachine.Action, _ code: SASLError.Code,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .fail(let error) = action else {
            Issue.record("expected \(code), got \(action)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.code == code, sourceLocation: sourceLocation)
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("A wrong server signature is an error even with <success/> (RFC 5802 §3)")
    func wrongServerSignature() {
        var client = Self.started()
        _ = client.challengeReceived(Self.bytes(Self.serverFirst))
        Self.expectError(client.successReceived(additionalData: Self.bytes("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=")), .serverVerificationFailed)
    }

    @Test("<success/> without the server-final-message is an error")
    func successWithoutSignature() {
        var client = Self.started()
        _ = client.challengeReceived(Self.bytes(Self.serverFirst))
        Self.expectError(client.successReceived(additionalData: nil), .serverVerificationFailed)
    }

    @Test("<success/> right after the client-first-message is an error")
    func successTooEarly() {
        var client = Self.started()
        Self.expectError(client.successReceived(additionalData: nil), .serverVerificationFailed)
    }

    @Test("A wrong signature in a challenge is an error too")
    func wrongSignatureInChallenge() {
        var client = Self.started()
        _ = client.challengeReceived(Self.bytes(Self.serverFirst))
        Self.expectError(client.challengeReceived(Self.bytes("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=")), .serverVerificationFailed)
    }

    @Test("e= in the server-final-message is a server error")
    func serverErrorAttribute() {
        var client = Self.started()
        _ = client.challengeReceived(Self.bytes(Self.serverFirst))
        Self.expectError(client.successReceived(additionalData: Self.bytes("e=invalid-proof")), .serverError)
    }

    @Test("A server nonce that does not extend the client's is refused",
          arguments: ["r=other3rfc,s=QSXCR+Q6sek8bf92,i=4096", "r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096"])
    func nonceNotExtended(serverFirst: String) {
        var client = Self.started()
        Self.expectError(client.challengeReceived(Self.bytes(serverFirst)), .malformedServerMessage)
    }

    @Test("An iteration count below 4096 is refused (RFC 7677 §4)")
    func lowIterations() {
        var client = Self.started()
        Self.expectError(client.challengeReceived(Self.bytes("r=fyko+d2lbbFgONRv9qkxdawLX,s=QSXCR+Q6sek8bf92,i=4095")), .iterationCountTooLow)
    }

    @Test("An iteration count above the client's maximum is refused")
    func highIterations() {
        var client = Self.started(maximumIterations: 10_000)
        Self.expectError(client.challengeReceived(Self.bytes("r=fyko+d2lbbFgONRv9qkxdawLX,s=QSXCR+Q6sek8bf92,i=10001")), .iterationCountTooHigh)
    }

    @Test("Malformed server-first-messages are refused", arguments: [
        "s=QSXCR+Q6sek8bf92,r=fyko+d2lbbFgONRv9qkxdawLX,i=4096",
        "r=fyko+d2lbbFgONRv9qkxdawLX,s=***,i=4096",
        "r=fyko+d2lbbFgONRv9qkxdawLX,s=,i=4096",
        "r=fyko+d2lbbFgONRv9qkxdawLX,s=QSXCR+Q6sek8bf92,i=04096",
        "r=fyko+d2lbbFgONRv9qkxdawLX,s=QSXCR+Q6sek8bf92,i=99999999999999999999999",
        "r=fyko+d2lbbFgONRv9qkxdawLX,s=QSXCR+Q6sek8bf92",
        "m=x,r=fyko+d2lbbFgONRv9qkxdawLX,s=QSXCR+Q6sek8bf92,i=4096",
        "",
    ])
    func malformedServerFirst(serverFirst: String) {
        var client = Self.started()
        Self.expectError(client.challengeReceived(Self.bytes(serverFirst)), .malformedServerMessage)
    }

    @Test("A server <failure/> ends the exchange with the server's condition")
    func serverFailure() {
        var client = Self.started()
        guard case .fail(let error) = client.elementReceived(SASLElement.failure(SASLFailure(.notAuthorized, text: "no")).element) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .authenticationFailed)
        #expect(error.failure == SASLFailure(.notAuthorized, text: "no"))
    }

    @Test("No offered mechanism the client can use is an error")
    func noAcceptableMechanism() {
        var client = SASLClientStateMachine(configuration: .init(username: "u", password: "p", allowedMechanisms: [.scramSHA256], tlsActive: true))
        Self.expectError(client.start(offeredMechanisms: ["SCRAM-SHA-1", "DIGEST-MD5"]), .noAcceptableMechanism)
    }

    @Test("A password OpaqueString refuses is reported before anything is sent")
    func unusablePassword() {
        var client = SASLClientStateMachine(configuration: .init(username: "u", password: "a\u{7}b", tlsActive: true))
        Self.expectError(client.start(offeredMechanisms: ["SCRAM-SHA-256"]), .unusablePassword)
    }

    @Test("A client with binding data sends 'y' when the server offers no -PLUS, 'n' when it has none (RFC 5802 §6)")
    func gs2Flags() {
        let binding = ChannelBinding.tlsServerEndPoint(data: [1, 2, 3])
        var withBinding = SASLClientStateMachine(
            configuration: .init(username: "user", password: "pencil", tlsActive: true, channelBinding: binding), clientNonce: "N"
        )
        #expect(withBinding.start(offeredMechanisms: ["SCRAM-SHA-256"]) == .sendAuth(mechanism: .scramSHA256, initialResponse: Self.bytes("y,,n=user,r=N")))
        var without = SASLClientStateMachine(configuration: .init(username: "user", password: "pencil", tlsActive: true), clientNonce: "N")
        #expect(without.start(offeredMechanisms: ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]) == .sendAuth(mechanism: .scramSHA256, initialResponse: Self.bytes("n,,n=user,r=N")))
    }

    @Test("The -PLUS client-final-message binds the GS2 header and the binding data")
    func plusClientFinal() throws {
        let binding = ChannelBinding.tlsServerEndPoint(data: [1, 2, 3])
        var client = Self.started(channelBinding: binding, offered: ["SCRAM-SHA-1-PLUS"])
        guard case .sendResponse(let clientFinal) = client.challengeReceived(Self.bytes(Self.serverFirst)) else {
            Issue.record("expected a response")
            return
        }
        let text = String(decoding: clientFinal, as: UTF8.self)
        let expected = Data(Array("p=tls-server-end-point,,".utf8) + [1, 2, 3]).base64EncodedString()
        #expect(text.hasPrefix("c=\(expected),r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p="))
    }

    @Test("The client's authzid is escaped into the GS2 header")
    func authzidHeader() {
        var client = SASLClientStateMachine(
            configuration: .init(username: "user", password: "pencil", authorizationIdentity: "user@example.com", tlsActive: true),
            clientNonce: "N"
        )
        #expect(client.start(offeredMechanisms: ["SCRAM-SHA-1"]) == .sendAuth(mechanism: .scramSHA1, initialResponse: Self.bytes("n,a=user@example.com,n=user,r=N")))
    }

    @Test("Abort sends <abort/>; the server's <aborted/> then ends the exchange")
    func abort() {
        var client = Self.started()
        #expect(client.abort() == .sendAbort)
        #expect(client.challengeReceived([1]) == .wait)
        guard case .fail(let error) = client.failureReceived(SASLFailure(.aborted)) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.failure?.condition == .aborted)
    }

    @Test("Elements only a client sends, or unreadable ones, are errors")
    func badServerElements() {
        var first = Self.started()
        Self.expectError(first.elementReceived(SASLElement.abort.element), .unexpectedMessage)
        var second = Self.started()
        Self.expectError(second.elementReceived(XMPPElement("challenge", namespace: Namespace.sasl, text: "@@@@")), .malformedServerMessage)
    }

    @Test("Starting twice is an error")
    func startTwice() {
        var client = Self.started()
        Self.expectError(client.start(offeredMechanisms: ["SCRAM-SHA-1"]), .unexpectedMessage)
    }

    @Test("The configuration's description never shows the password")
    func configurationRedacted() {
        let configuration = SASLClientStateMachine.Configuration(username: "user", password: "hunter2", tlsActive: true)
        #expect(!"\(configuration)".contains("hunter2"))
        #expect(!String(reflecting: configuration).contains("hunter2"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("hunter2"))
    }
}
