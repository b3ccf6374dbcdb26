import Testing
import XMPPStreams

/// The mechanism catalogue, what a server offers and what a client picks.
@Suite("SASL mechanisms")
struct SASLMechanismTests {
    @Test("Wire names are the registered ones; -PLUS is flagged", arguments: SASLMechanism.allCases)
    func wireNames(mechanism: SASLMechanism) {
        #expect(SASLMechanism(wireName: mechanism.wireName) == mechanism)
        #expect(mechanism.isPlus == mechanism.wireName.hasSuffix("-PLUS"))
        #expect(mechanism.requiresChannelBinding == mechanism.isPlus)
        #expect((mechanism.scramHash == nil) == (mechanism == .plain))
    }

    @Test("Names are case-sensitive")
    func caseSensitive() {
        #expect(SASLMechanism(wireName: "scram-sha-1") == nil)
    }

    @Test("With TLS and channel binding, everything allowed is offered, strongest first")
    func fullOffer() {
        #expect(SASLMechanism.offered(tlsActive: true, channelBindingAvailable: true, allowed: SASLMechanism.allCases.reversed()) == [
            .scramSHA512Plus, .scramSHA256Plus, .scramSHA1Plus, .scramSHA512, .scramSHA256, .scramSHA1, .plain,
        ])
    }

    @Test("Without channel binding no -PLUS mechanism is offered")
    func noBindingNoPlus() {
        #expect(SASLMechanism.offered(tlsActive: true, channelBindingAvailable: false, allowed: SASLMechanism.allCases)
            == [.scramSHA512, .scramSHA256, .scramSHA1, .plain])
    }

    @Test("Without TLS PLAIN is not offered")
    func noTLSNoPlain() {
        #expect(SASLMechanism.offered(tlsActive: false, channelBindingAvailable: false, allowed: SASLMechanism.allCases)
            == [.scramSHA512, .scramSHA256, .scramSHA1])
    }

    @Test("Only allowed mechanisms are offered")
    func onlyAllowed() {
        #expect(SASLMechanism.offered(tlsActive: true, channelBindingAvailable: true, allowed: [.plain, .scramSHA256])
            == [.scramSHA256, .plain])
    }

    @Test("A client prefers -PLUS when it has binding data, else the strongest plain SCRAM")
    func clientPreference() {
        let offered = ["PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", "X-UNKNOWN"]
        #expect(SASLMechanism.preferred(offered: offered, allowed: SASLMechanism.allCases, tlsActive: true, channelBindingAvailable: true)
            == .scramSHA256Plus)
        #expect(SASLMechanism.preferred(offered: offered, allowed: SASLMechanism.allCases, tlsActive: true, channelBindingAvailable: false)
            == .scramSHA256)
        #expect(SASLMechanism.preferred(offered: ["PLAIN"], allowed: SASLMechanism.allCases, tlsActive: false, channelBindingAvailable: false)
            == nil)
        #expect(SASLMechanism.preferred(offered: ["X-UNKNOWN"], allowed: SASLMechanism.allCases, tlsActive: true, channelBindingAvailable: true)
            == nil)
    }
}
