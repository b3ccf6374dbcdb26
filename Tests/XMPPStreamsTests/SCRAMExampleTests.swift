import Foundation
import Testing
import XMPPCore
import XMPPStreams

/// The published SCRAM example exchanges, replayed byte for byte on each side.
@Suite("SCRAM RFC examples")
struct SCRAMExampleTests {
    struct Example: Sendable, CustomTestStringConvertible {
        let name: String
        let mechanism: SASLMechanism
        let clientNonce: String
        let serverNonce: String
        let salt: String
        let clientFirst: String
        let serverFirst: String
        let clientFinal: String
        let serverFinal: String

        var testDescription: String { name }
    }

    /// RFC 5802 §5 (SCRAM-SHA-1) and RFC 7677 §3 (SCRAM-SHA-256), user "user", password "pencil".
    static let examples = [
        Example(
            name: "RFC 5802 §5 SCRAM-SHA-1",
            mechanism: .scramSHA1,
            clientNonce: "fyko+d2lbbFgONRv9qkxdawL",
            serverNonce: "3rfcNHYJY1ZVvWVs7j",
            salt: "QSXCR+Q6sek8bf92",
            clientFirst: "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
            serverFirst: "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
            clientFinal: "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
            serverFinal: "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="
        ),
        Example(
            name: "RFC 7677 §3 SCRAM-SHA-256",
            mechanism: .scramSHA256,
            clientNonce: "rOprNGfwEbeRWgbNEkqO",
            serverNonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
            salt: "W22ZaJ0SNY7soEsUEjb6gQ==",
            clientFirst: "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
            serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            clientFinal: "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
        ),
    ]

    @Test("The client sends exactly the RFC's messages and verifies the server", arguments: examples)
    func client(example: Example) {
        var client = SASLClientStateMachine(
            configuration: .init(username: "user", password: "pencil", allowedMechanisms: [example.mechanism], tlsActive: false),
            clientNonce: example.clientNonce
        )
        #expect(client.start(offeredMechanisms: [example.mechanism.wireName])
            == .sendAuth(mechanism: example.mechanism, initialResponse: Array(example.clientFirst.utf8)))
        #expect(client.challengeReceived(Array(example.serverFirst.utf8)) == .sendResponse(Array(example.clientFinal.utf8)))
        #expect(client.successReceived(additionalData: Array(example.serverFinal.utf8)) == .authenticated(example.mechanism))
    }

    @Test("The server sends exactly the RFC's messages", arguments: examples)
    func server(example: Example) throws {
        let credentials = try SCRAMCredentials.derive(
            password: "pencil",
            hash: try #require(example.mechanism.scramHash),
            salt: Array(try #require(Data(base64Encoded: example.salt))),
            iterations: 4096
        )
        var server = SASLServerStateMachine(configuration: SASLFixtures.serverConfiguration(), serverNonce: example.serverNonce)
        #expect(server.authReceived(mechanism: example.mechanism.wireName, initialResponse: Array(example.clientFirst.utf8))
            == .lookUpCredentials(username: "user", hash: credentials.hash))
        #expect(server.credentialsLookedUp(.found(credentials)) == .sendChallenge(Array(example.serverFirst.utf8)))
        #expect(server.responseReceived(Array(example.clientFinal.utf8))
            == .sendSuccess(authenticated: try JID("user@example.com"), additionalData: Array(example.serverFinal.utf8)))
        #expect(server.isFinished)
    }

    @Test("The same exchange through XML elements, with the initial response after an empty challenge", arguments: examples)
    func serverThroughElements(example: Example) throws {
        let credentials = try SCRAMCredentials.derive(
            password: "pencil",
            hash: try #require(example.mechanism.scramHash),
            salt: Array(try #require(Data(base64Encoded: example.salt))),
            iterations: 4096
        )
        var server = SASLServerStateMachine(configuration: SASLFixtures.serverConfiguration(), serverNonce: example.serverNonce)
        let auth = XMPPElement("auth", namespace: Namespace.sasl, attributes: [XMLAttribute("mechanism", value: example.mechanism.wireName)])
        #expect(server.elementReceived(auth) == .sendChallenge([]))
        let first = XMPPElement("response", namespace: Namespace.sasl, text: Data(example.clientFirst.utf8).base64EncodedString())
        #expect(server.elementReceived(first) == .lookUpCredentials(username: "user", hash: credentials.hash))
        #expect(server.credentialsLookedUp(.found(credentials)) == .sendChallenge(Array(example.serverFirst.utf8)))
        let final = XMPPElement("response", namespace: Namespace.sasl, text: Data(example.clientFinal.utf8).base64EncodedString())
        #expect(server.elementReceived(final)
            == .sendSuccess(authenticated: try JID("user@example.com"), additionalData: Array(example.serverFinal.utf8)))
    }

    @Test("The client accepts the server-final-message in a challenge, then an empty success", arguments: examples)
    func clientServerFinalInChallenge(example: Example) {
        var client = SASLClientStateMachine(
            configuration: .init(username: "user", password: "pencil", allowedMechanisms: [example.mechanism], tlsActive: false),
            clientNonce: example.clientNonce
        )
        _ = client.start(offeredMechanisms: [example.mechanism.wireName])
        _ = client.challengeReceived(Array(example.serverFirst.utf8))
        #expect(client.challengeReceived(Array(example.serverFinal.utf8)) == .sendResponse([]))
        #expect(client.successReceived(additionalData: nil) == .authenticated(example.mechanism))
    }
}
