import Synchronization
import XMPPCore

/// IQ requests the server sends to clients (XEP-0199 pings, XEP-0115 caps
/// queries) and the answers they wait for. An answer is taken only from the
/// address the request went to, so another client cannot answer for it.
public final class ServerRequests: Sendable {
    private struct Waiting {
        var expectedFrom: JID
        var continuation: CheckedContinuation<IQ?, Never>
    }

    private let waiting = Mutex<[String: Waiting]>([:])

    public init() {}

    /// Sends `request` (its id is replaced by a fresh one) to `session` and returns
    /// the answer, or nil when none comes within `timeout` or the session is gone.
    public func send(_ request: IQ, to session: ClientSession, timeout: Duration) async -> IQ? {
        var request = request
        let id = "s2c-" + C2SHandler.makeStreamID()
        request.id = id
        request.setTo(session.jid)
        return await withCheckedContinuation { continuation in
            waiting.withLock { $0[id] = Waiting(expectedFrom: session.jid, continuation: continuation) }
            session.deliver(request.element)
            Task {
                try? await Task.sleep(for: timeout)
                self.resume(id, with: nil)
            }
        }
    }

    /// Takes a result or error addressed to the server; false when it answers
    /// nothing the server asked.
    func received(_ answer: IQ, from sender: JID) -> Bool {
        guard let id = answer.id else { return false }
        let matched = waiting.withLock { waiting -> Bool in
            guard let entry = waiting[id], entry.expectedFrom == sender else { return false }
            return true
        }
        guard matched else { return false }
        resume(id, with: answer)
        return true
    }

    private func resume(_ id: String, with answer: IQ?) {
        let entry = waiting.withLock { $0.removeValue(forKey: id) }
        entry?.continuation.resume(returning: answer)
    }
}
