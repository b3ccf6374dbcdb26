import Testing
import XMPPCore
import XMPPStreams
@testable import XMPPClient

@Suite("XMPPClient.Configuration")
struct XMPPClientConfigurationTests {
    @Test func defaultsAreSecureAndPointAtTheDomain() throws {
        let configuration = XMPPClient.Configuration(jid: try JID("juliet@example.com"), password: "pw")
        #expect(configuration.tls == .startTLS)
        #expect(configuration.certificateVerification == .verify)
        #expect(configuration.effectiveHost == "example.com")
        #expect(configuration.effectivePort == 5222)
        #expect(configuration.allowedMechanisms == SASLMechanism.allCases)
        #expect(configuration.channelBinding == .whenAdvertised)
        #expect(configuration.timeouts == XMPPClient.Timeouts())
        #expect(configuration.negotiation.tls == .startTLS)
    }

    @Test func directTLSDefaultsToPort5223() throws {
        var configuration = XMPPClient.Configuration(jid: try JID("juliet@example.com"), password: "pw", tls: .directTLS)
        #expect(configuration.effectivePort == 5223)
        #expect(configuration.negotiation.tls == .direct)
        configuration.port = 15223
        configuration.host = "127.0.0.1"
        #expect(configuration.effectivePort == 15223)
        #expect(configuration.effectiveHost == "127.0.0.1")
    }

    @Test func plaintextMapsToThePlaintextPolicy() throws {
        let configuration = XMPPClient.Configuration(jid: try JID("juliet@example.com"), password: "pw", tls: .plaintext)
        #expect(configuration.negotiation.tls == .plaintext)
        #expect(configuration.effectivePort == 5222)
        #expect(try XMPPClient.makeSSLContext(for: configuration) == nil)
    }

    @Test func passwordIsNeverShown() throws {
        let configuration = XMPPClient.Configuration(jid: try JID("juliet@example.com"), password: "s3cr3t-pa55")
        #expect(!configuration.description.contains("s3cr3t-pa55"))
        #expect(!String(reflecting: configuration).contains("s3cr3t-pa55"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("s3cr3t-pa55"))
    }

    @Test func trustRootsMustBeCertificates() throws {
        let configuration = XMPPClient.Configuration(
            jid: try JID("juliet@example.com"), password: "pw", certificateVerification: .trustRoots(["not a certificate"]))
        let error = #expect(throws: XMPPClientError.self) { try XMPPClient.makeSSLContext(for: configuration) }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test func tlsContextsAreBuiltForEachVerificationMode() throws {
        for verification in [XMPPClient.CertificateVerification.verify, .noVerification] {
            let configuration = XMPPClient.Configuration(
                jid: try JID("juliet@example.com"), password: "pw", tls: .directTLS, certificateVerification: verification)
            #expect(try XMPPClient.makeSSLContext(for: configuration) != nil)
        }
    }

    @Test func connectRequiresALocalpart() async throws {
        let client = XMPPClient(configuration: .init(jid: try JID("example.com"), password: "pw"))
        let first = await #expect(throws: XMPPClientError.self) { try await client.connect() }
        #expect(first?.code == .invalidConfiguration)
        // One client, one session: a second connect is refused.
        let second = await #expect(throws: XMPPClientError.self) { try await client.connect() }
        #expect(second?.code == .invalidRequest)
        #expect(client.boundJID == nil)
    }

    @Test func nothingCanBeSentBeforeConnecting() async throws {
        let client = XMPPClient(configuration: .init(jid: try JID("juliet@example.com"), password: "pw"))
        let sendError = await #expect(throws: XMPPClientError.self) { try await client.send(Message(body: "hi")) }
        #expect(sendError?.code == .closed)
        let iqError = await #expect(throws: XMPPClientError.self) {
            try await client.iq(IQ(type: .get, id: "", payload: XMPPElement("query", namespace: Namespace.roster)))
        }
        #expect(iqError?.code == .closed)
        await client.close()
        var count = 0
        for await _ in client.incoming { count += 1 }
        #expect(count == 0)
    }
}
