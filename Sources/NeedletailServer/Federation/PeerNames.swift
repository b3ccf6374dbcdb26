import Synchronization

/// The names a peer server's certificate was validly issued for, found by the
/// TLS verification callback (which runs off the handler) and read by the
/// handler once the handshake completes; the lock makes the hand-over safe.
final class PeerNames: Sendable {
    private let storage = Mutex<[String]>([])

    var names: [String] { storage.withLock { $0 } }

    func set(_ names: [String]) {
        storage.withLock { $0 = names }
    }
}
