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
    /// Arrived while no connection was there.
    var arrived: [OutboundStanza] = []
    /// Stanzas from the client the server handled: the `h` of `<resumed/>`.
    var handled: UInt32
    /// How long the session waits for a resumption.
    let timeout: TimeAmount
    /// Ends the session if it is still detached with this generation: its
    /// contacts see it go and its stanzas go where those for an unavailable
    /// resource go.
    let expire: @Sendable (_ generation: UInt64) -> Void
}
