import Testing
import XMPPCore
import XMPPStreams

/// Hostile input never traps: valid messages with bytes flipped, cut short or
/// grown, and random bytes, fed to both machines at every step. Passing means
/// not crashing and always ending in an action (as swift-nio-ssh's fuzz
/// fixtures do). A fixed seed keeps runs reproducible.
@Suite("SASL robustness")
struct SASLRobustnessTests {
    /// SplitMix64: small, fast, deterministic.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func mutate(_ bytes: [UInt8], using generator: inout Generator) -> [UInt8] {
        var result = bytes
        switch Int.random(in: 0..<4, using: &generator) {
        case 0 where !result.isEmpty:
            result[Int.random(in: 0..<result.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
        case 1:
            result = Array(result.prefix(Int.random(in: 0...result.count, using: &generator)))
        case 2:
            let interesting: [UInt8] = Array(",=\0nyprcspvem".utf8) + [0xFF, 0xC3]
            result.insert(interesting.randomElement(using: &generator)!, at: Int.random(in: 0...result.count, using: &generator))
        default:
            result = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
        return result
    }

    static let credentials = try! SCRAMCredentials.derive(password: "pencil", hash: .sha256, iterations: 4096)

    @Test("The server survives mutated client messages at each step")
    func serverSurvives() {
        var generator = Generator(state: 0x5EED)
        let clientFirst = Array("n,,n=user,r=CLIENT".utf8)
        let clientFinal = Array("c=biws,r=CLIENTSERVER,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=".utf8)
        let plain = Array("user@example.com\0user\0pencil".utf8)
        var outcomes = 0
        for round in 0..<3000 {
            var server = SASLServerStateMachine(configuration: SASLFixtures.serverConfiguration(), serverNonce: "SERVER")
            let mechanism = [SASLMechanism.scramSHA256, .plain, .scramSHA256Plus][round % 3]
            let first = mechanism == .plain ? plain : clientFirst
            var action = server.authReceived(mechanism: mechanism.wireName, initialResponse: Self.mutate(first, using: &generator))
            if case .lookUpCredentials = action {
                action = server.credentialsLookedUp(round % 5 == 0 ? .noSuchUser : .found(Self.credentials))
            }
            if case .sendChallenge = action {
                action = server.responseReceived(Self.mutate(clientFinal, using: &generator))
            }
            switch action {
            case .sendFailure, .sendSuccess: outcomes += 1
            case .sendChallenge, .lookUpCredentials, .wait: break
            }
        }
        #expect(outcomes > 0)
    }

    @Test("The client survives mutated server messages at each step")
    func clientSurvives() {
        var generator = Generator(state: 0xC11E)
        let serverFirst = Array("r=NONCEserver,s=QSXCR+Q6sek8bf92,i=4096".utf8)
        let serverFinal = Array("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=".utf8)
        var failures = 0
        for _ in 0..<300 {
            var client = SASLClientStateMachine(
                configuration: .init(username: "user", password: "pencil", tlsActive: true, maximumIterations: 5000),
                clientNonce: "NONCE"
            )
            _ = client.start(offeredMechanisms: ["SCRAM-SHA-1"])
            var action = client.challengeReceived(Self.mutate(serverFirst, using: &generator))
            if case .sendResponse = action {
                action = client.successReceived(additionalData: Self.mutate(serverFinal, using: &generator))
            }
            if case .fail = action { failures += 1 }
        }
        #expect(failures > 0)
    }

    @Test("Random elements with SASL names and random text parse or fail cleanly")
    func elementsSurvive() {
        var generator = Generator(state: 0xE1E)
        let names = ["auth", "challenge", "response", "success", "failure", "abort", "mechanisms", ""]
        let alphabet = Array("ABCxyz019+/= \n=,".unicodeScalars)
        for _ in 0..<2000 {
            let text = String(String.UnicodeScalarView((0..<Int.random(in: 0..<12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
            var element = XMPPElement(names.randomElement(using: &generator)!, namespace: Namespace.sasl, text: text)
            if Bool.random(using: &generator) { element[attribute: "mechanism"] = "SCRAM-SHA-256" }
            var server = SASLServerStateMachine(configuration: SASLFixtures.serverConfiguration())
            _ = server.elementReceived(element)
            var client = SASLClientStateMachine(configuration: .init(username: "u", password: "p", tlsActive: true))
            _ = client.elementReceived(element)
        }
    }
}
