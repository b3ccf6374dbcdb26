import ArgumentParser
import Foundation
import NIOCore
import XMPPClient
import XMPPCore
import XMPPStreams

/// Which server to load and as whom: shared by every scenario.
struct TargetOptions: ParsableArguments {
    @Option(help: "The server's address.")
    var host = "127.0.0.1"

    @Option(help: "The server's client port.")
    var port = 5222

    @Option(help: "The domain the accounts are on.")
    var domain = "localhost"

    @Option(help: "Account names; %d is the account's number, from 1.")
    var userPattern = "bench%d"

    @Option(help: "Every account's password.")
    var password = "bench"

    @Option(help: "none (plaintext, for a trusted listener), starttls or direct.")
    var tls: TLSChoice = .starttls

    @Option(help: "SCRAM-SHA-1 or PLAIN.")
    var mechanism: MechanismChoice = .scramSHA1

    @Option(help: "Pin this process to this CPU (0-based).")
    var cpu: Int?

    @Option(help: "The server's process ID: its resident memory (with its children's) is read from /proc.")
    var serverPID: Int32?

    @Option(help: "Sessions being set up at once, at most.")
    var concurrency = 200

    enum TLSChoice: String, ExpressibleByArgument {
        case none, starttls, direct
    }

    enum MechanismChoice: String, ExpressibleByArgument {
        case scramSHA1 = "SCRAM-SHA-1"
        case plain = "PLAIN"
    }

    /// The account numbered `index` (from 1).
    func jid(_ index: Int) throws -> JID {
        try JID(localpart: userPattern.replacingOccurrences(of: "%d", with: String(index)), domainpart: domain)
    }

    /// A client for account `index`. `keys` keeps each account's SCRAM keys
    /// between its logins, as real clients keep the salted password.
    func client(_ index: Int, keys: SCRAMKeyCache? = nil) throws -> XMPPClient {
        let mode: XMPPClient.TLSMode = switch tls {
        case .none: .trustedPlaintext
        case .starttls: .startTLS
        case .direct: .directTLS
        }
        let mechanisms: [SASLMechanism] = switch mechanism {
        case .scramSHA1: [.scramSHA1]
        case .plain: [.plain]
        }
        return XMPPClient(configuration: .init(
            jid: try jid(index), password: password, host: host, port: port, tls: mode,
            certificateVerification: .noVerification, allowedMechanisms: mechanisms, channelBinding: .never,
            timeouts: .init(connect: .seconds(30), negotiation: .seconds(60), close: .seconds(2), request: .seconds(30)),
            scramKeyCache: keys))
    }

    /// Pins the process when asked, with one event loop then: two loops on one CPU
    /// time-slice, and the wait for the other's turn would show as latency.
    func pin() throws {
        guard let cpu else { return }
        try ProcessUsage.pin(toCPU: cpu)
        NIOSingletons.groupLoopCountSuggestion = 1
    }
}
