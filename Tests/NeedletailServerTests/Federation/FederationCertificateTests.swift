import Testing
import XMPPClient
import XMPPCore
@testable import NeedletailServer

/// Peers with certificates from a CA both trust authenticate with SASL EXTERNAL
/// (RFC 6120 §6.4, XEP-0178); with `require_valid_certificates`, dialback is
/// refused, so a peer whose certificate does not hold cannot federate at all.
@Suite("Federation with certificates", .serialized)
struct FederationCertificateTests {
    /// Both servers trust `ca` and require valid certificates; each presents
    /// one from `ca` unless `selfSignedB`.
    static func pair(_ ca: TestCertificateAuthority, selfSignedB: Bool = false) async throws -> FederatedPair {
        let filesA = try ca.issue(for: FederatedPair.domainA)
        let filesB = try ca.issue(for: FederatedPair.domainB)
        return try await FederatedPair.start(accounts: ["juliet@a.example", "romeo@b.example"]) {
            $0.tls.certificates[FederatedPair.domainA] = filesA
            $0.federation.trustedCAFile = ca.rootPath
            $0.federation.requiresValidCertificates = true
        } configureB: {
            if !selfSignedB { $0.tls.certificates[FederatedPair.domainB] = filesB }
            $0.federation.trustedCAFile = ca.rootPath
            $0.federation.requiresValidCertificates = true
        }
    }

    @Test func certificatesFromATrustedCAAuthenticateWithoutDialback() async throws {
        let ca = try TestCertificateAuthority()
        let pair = try await Self.pair(ca)
        let juliet = try await Online.connect(pair.a, "juliet@a.example/balcony")
        let romeo = try await Online.connect(pair.b, "romeo@b.example/orchard")
        try await juliet.available()
        try await romeo.available()
        // Dialback is off on both sides, so only EXTERNAL can carry these.
        try await juliet.client.send(Message(type: .chat, to: try JID("romeo@b.example"), body: "by certificate"))
        #expect(await romeo.inbox.message(within: .seconds(15)) { $0.body == "by certificate" }?.fromAttribute == "juliet@a.example/balcony")
        try await romeo.client.send(Message(type: .chat, to: try JID("juliet@a.example"), body: "likewise"))
        #expect(await juliet.inbox.message(within: .seconds(15)) { $0.body == "likewise" } != nil)
        // XEP-0288: a.example's connection carries b.example's answer; b.example dialled nobody.
        #expect(pair.a.server.federation?.linkKinds == [.init(local: "a.example", remote: "b.example"): false])
        #expect(pair.b.server.federation?.linkKinds == [.init(local: "b.example", remote: "a.example"): true])
        for online in [juliet, romeo] { await online.close() }
        await pair.stop()
        ca.remove()
    }

    @Test func aPeerWithoutAValidCertificateCannotFederateWhenOneIsRequired() async throws {
        let ca = try TestCertificateAuthority()
        let pair = try await Self.pair(ca, selfSignedB: true)
        let juliet = try await Online.connect(pair.a, "juliet@a.example/balcony")
        try await juliet.client.send(Message(type: .chat, id: "c1", to: try JID("romeo@b.example"), body: "hello?"))
        let error = try #require(await juliet.inbox.message(within: .seconds(15)) { $0.type == .error && $0.id == "c1" })
        #expect(error.error?.condition == .remoteServerNotFound)
        await juliet.close()
        await pair.stop()
        ca.remove()
    }
}
