import Synchronization
import XMPPCore

/// The blocklists of accounts that have sessions or just got a message, in memory,
/// so the delivery filter answers on the routing path without storage. Loaded
/// from storage by the module's account preparation; changed together with it.
final class BlocklistCache: Sendable {
    private struct State {
        var lists: [JID: Set<JID>] = [:]
        /// Sessions that asked for the blocklist and get its pushes (§3.3).
        var requesters: Set<UInt64> = []
    }

    private let state = Mutex(State())

    func isLoaded(_ account: JID) -> Bool {
        state.withLock { $0.lists[account] != nil }
    }

    func load(_ account: JID, _ list: Set<JID>) {
        state.withLock { $0.lists[account] = list }
    }

    func list(of account: JID) -> Set<JID> {
        state.withLock { $0.lists[account] ?? [] }
    }

    func update(_ account: JID, _ change: (inout Set<JID>) -> Void) {
        state.withLock { state in
            var list = state.lists[account] ?? []
            change(&list)
            state.lists[account] = list
        }
    }

    /// The account's last session ended. An empty blocklist is forgotten (the
    /// next session or stanza for the account loads it again); a non-empty one is
    /// kept, so that a stanza for the account prepared while the session was
    /// ending (a message going offline) still meets it.
    func forget(_ account: JID, session: UInt64) {
        state.withLock { state in
            state.requesters.remove(session)
            if state.lists[account]?.isEmpty ?? true {
                state.lists[account] = nil
            }
        }
    }

    func forgetSession(_ session: UInt64) {
        state.withLock { _ = $0.requesters.remove(session) }
    }

    func addRequester(_ session: UInt64) {
        state.withLock { _ = $0.requesters.insert(session) }
    }

    func isRequester(_ session: UInt64) -> Bool {
        state.withLock { $0.requesters.contains(session) }
    }

    /// Whether `account` blocks `address`.
    func blocks(_ account: JID, _ address: JID) -> Bool {
        state.withLock { state in
            guard let list = state.lists[account], !list.isEmpty else { return false }
            return list.contains { JIDPattern.matches($0, address) }
        }
    }
}
