import Testing
import XMPPClient
import XMPPCore
@testable import NeedletailServer

/// XEP-0115 entity capabilities: the server's own, and clients' verified.
@Suite("Entity capabilities (XEP-0115)", .serialized)
struct CapsEndToEndTests {
    /// The disco#info a test client claims, and its `ver`.
    static let identity = XMPPElement("identity", namespace: Namespace.discoInfo, ["category": "client", "type": "pc", "name": "Exodus 0.9.1"])
    static let features = ["http://jabber.org/protocol/caps", "http://jabber.org/protocol/disco#info",
                           "http://jabber.org/protocol/disco#items", "http://jabber.org/protocol/muc"]

    @Test func theVerificationStringIsXEP0115sExample() {
        // XEP-0115 §5.2: the simple example's ver.
        #expect(CapsVerification.ver(identities: [Self.identity], features: Self.features, forms: []) == "QgayPKawpkPSDYmwT/WM94uAlu0=")
        // §5.4: duplicate features do not verify.
        #expect(CapsVerification.ver(identities: [Self.identity], features: Self.features + ["http://jabber.org/protocol/muc"], forms: []) == nil)
    }

    @Test func theServerOffersItsCapsAsAStreamFeature() throws {
        let registry = ModuleRegistry(modules: ModulesConfiguration().enabled())
        let caps = try #require(registry.streamFeatures.first { $0.name == "c" && $0.namespace == Namespace.caps })
        #expect(caps[attribute: "hash"] == "sha-1")
        #expect(caps[attribute: "ver"] == registry.capabilities?.ver)
        #expect(registry.streamFeatures.contains { $0.namespace == Namespace.rosterVersioning })
        #expect(registry.streamFeatures.contains { $0.namespace == Namespace.preApproval })
        // Switching a module off changes the server's ver.
        var fewer = ModulesConfiguration()
        fewer.disabled = ["vcard"]
        #expect(ModuleRegistry(modules: fewer.enabled()).capabilities?.ver != registry.capabilities?.ver)
    }

    @Test(arguments: [true, false])
    func aClientsCapsAreVerifiedBeforeTheyAreKept(honest: Bool) async throws {
        let server = try await TestServer(accounts: ["juliet@example.com"])
        let juliet = try await Online.connect(server, "juliet@example.com/balcony")
        let ver = honest ? "QgayPKawpkPSDYmwT/WM94uAlu0=" : "bm90IHRoZSByZWFsIGhhc2g="
        var presence = Presence()
        presence.element.append(XMPPElement("c", namespace: Namespace.caps, ["hash": "sha-1", "node": "http://code.google.com/p/exodus", "ver": ver]))
        try await juliet.client.send(presence)
        // The server asks the client for node#ver (§6.2) ...
        let asked = try #require(await juliet.inbox.take {
            if case .iq(let iq) = $0 { return iq.payload(named: "query", namespace: Namespace.discoInfo) != nil }
            return false
        })
        guard case .iq(let request) = asked else { return }
        #expect(request.payload?[attribute: "node"] == "http://code.google.com/p/exodus#" + ver)
        // ... and keeps the answer only if it hashes to ver.
        let query = XMPPElement("query", namespace: Namespace.discoInfo, ["node": "http://code.google.com/p/exodus#" + ver]) {
            Self.identity
            Self.features.map { XMPPElement("feature", namespace: Namespace.discoInfo, ["var": $0]) }
        }
        var answer = request.result(payload: query)
        answer.setTo(try request.from)
        try await juliet.client.send(answer)
        let cache = try #require(server.server.context.router.modules.clientCapabilities)
        for _ in 0..<100 where cache.features(of: ver) == nil {
            try await Task.sleep(for: .milliseconds(10))
        }
        if honest {
            #expect(cache.features(of: ver) == Set(Self.features))
        } else {
            #expect(cache.features(of: ver) == nil)
        }
        await juliet.close()
        await server.stop()
    }
}
