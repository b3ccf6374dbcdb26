import Testing
import XMPPStreams

@Suite("Dialback keys (XEP-0185)")
struct DialbackKeyTests {
    let secret = DialbackSecret(Array("s3cr3tf0rd14lb4ck".utf8))

    @Test func theXEPsExampleKey() {
        // XEP-0185 §4: example.org to xmpp.example.com, stream D60000229F.
        #expect(secret.key(receiving: "xmpp.example.com", originating: "example.org", streamID: "D60000229F")
            == "37c69b1cf07a3f67c04a5ef5902fa5114f2c76fe4a2686482ba5b89323075643")
    }

    @Test func verificationNeedsEveryInputToMatch() {
        let key = secret.key(receiving: "xmpp.example.com", originating: "example.org", streamID: "D60000229F")
        #expect(secret.verify(key, receiving: "xmpp.example.com", originating: "example.org", streamID: "D60000229F"))
        #expect(!secret.verify(key, receiving: "xmpp.example.com", originating: "example.org", streamID: "D60000229G"))
        #expect(!secret.verify(key, receiving: "example.org", originating: "xmpp.example.com", streamID: "D60000229F"))
        #expect(!secret.verify(String(key.dropLast()), receiving: "xmpp.example.com", originating: "example.org", streamID: "D60000229F"))
        #expect(!DialbackSecret(Array("other".utf8)).verify(key, receiving: "xmpp.example.com", originating: "example.org", streamID: "D60000229F"))
    }
}
