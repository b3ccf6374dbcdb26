import Foundation
import Synchronization

/// The sessions a client may resume (XEP-0198 §5), by SM-ID: each session with
/// resumption enabled, whether its connection is up or it is detached.
final class ResumableSessions: Sendable {
    private let sessions = Mutex<[String: ClientSession]>([:])

    func add(_ session: ClientSession, id: String) {
        sessions.withLock { $0[id] = session }
    }

    /// The session with this SM-ID, if it is still resumable.
    func session(id: String) -> ClientSession? {
        sessions.withLock { $0[id] }
    }

    /// Forgets the SM-ID, if it still names `session`.
    func remove(id: String, of session: ClientSession) {
        sessions.withLock { sessions in
            if sessions[id] === session { sessions[id] = nil }
        }
    }

    /// The SM-ID of `session`, if it is resumable.
    func id(of session: ClientSession) -> String? {
        sessions.withLock { sessions in sessions.first { $0.value === session }?.key }
    }

    /// Every resumable session, for shutdown.
    func all() -> [ClientSession] {
        sessions.withLock { Array($0.values) }
    }

    /// A fresh SM-ID: 144 random bits, unguessable, so only the client it was
    /// given to can name it (and only after authenticating as its account).
    static func makeID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<18).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
    }
}
