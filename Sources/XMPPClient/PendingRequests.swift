import NIOCore
import XMPPCore

/// The IQ requests waiting for an answer, keyed by `id`. Owned by the channel
/// handler and used on its event loop only.
struct PendingRequests {
    /// One request in flight.
    struct Entry {
        /// Where the request went; nil when it had no `to`.
        var to: JID?
        /// Completed with the answer.
        var response: EventLoopPromise<IQ>
        /// Fails the request when it fires; cancelled when the answer comes.
        var timer: Scheduled<Void>?
    }

    private var entries: [String: Entry] = [:]

    /// The number of requests waiting.
    var count: Int { entries.count }

    /// Whether a request with this `id` is waiting.
    func contains(id: String) -> Bool {
        entries[id] != nil
    }

    /// Records a request. The caller has checked that the `id` is free.
    mutating func add(id: String, to: JID?, response: EventLoopPromise<IQ>) {
        entries[id] = Entry(to: to, response: response, timer: nil)
    }

    /// Attaches the timeout timer of a recorded request.
    mutating func setTimer(_ timer: Scheduled<Void>, id: String) {
        entries[id]?.timer = timer
    }

    /// Removes and returns the request `iq` answers (``IQResponseMatching``), if any.
    mutating func removeRequest(answeredBy iq: IQ, ownJID: JID) -> Entry? {
        guard let id = iq.id, let entry = entries[id],
              IQResponseMatching.isResponse(iq, toRequestWithID: id, to: entry.to, ownJID: ownJID) else { return nil }
        entries[id] = nil
        return entry
    }

    /// Removes and returns the request with this `id`, if any.
    mutating func remove(id: String) -> Entry? {
        entries.removeValue(forKey: id)
    }

    /// Removes and returns every request.
    mutating func removeAll() -> [Entry] {
        let all = Array(entries.values)
        entries.removeAll()
        return all
    }
}
