import NIOCore
import XMPPStreams

/// What a stream management session leaves when its connection drops with
/// resumption on (XEP-0198 §5): the stanzas the client had not acknowledged,
/// those that arrived since, and how many of the client's the server handled,
/// kept in the ``ClientSession`` until a new connection resumes it or the
/// resumption time runs out.
struct SessionHibernation: Sendable {
    /// The SM-ID the client resumes with.
    let id: String
    /// Tells this detachment from a later one of the same session, so a timer
    /// that fires after a resumption ends nothing.
    let generation: UInt64
    /// Sent on the old connection and not acknowledged.
    var unacknowledged: UnacknowledgedQueue<OutboundStanza>
    /// Arrived while no connection was there, oldest first.
    var arrived: [OutboundStanza] = []
    /// Where in `arrived` the next stanza that was already on its way to the
    /// old connection goes: ahead of every stanza delivered after the detachment.
    var lateInsertionIndex = 0
    /// Stanzas from the client the server handled: the `h` of `<resumed/>`.
    var handled: UInt32
    /// How long the session waits for a resumption.
    let timeout: TimeAmount
    /// The loop of the connection that dropped: stanzas for the session are
    /// kept there, in the order they came, until a new connection takes over.
    let loop: any EventLoop
    /// Ends the session if it is still detached with this generation: its
    /// contacts see it go and its stanzas go where those for an unavailable
    /// resource go.
    let expire: @Sendable (_ generation: UInt64) -> Void

    /// Keeps a stanza that was on its way to the old connection when it
    /// dropped: after the others like it, before those that came since.
    mutating func keepLate(_ stanza: OutboundStanza) {
        arrived.insert(stanza, at: lateInsertionIndex)
        lateInsertionIndex += 1
    }
}
