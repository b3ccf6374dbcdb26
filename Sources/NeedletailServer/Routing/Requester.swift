import XMPPCore

/// Who sent a request the server answers or a stanza it may bounce: a local
/// client's session, or an entity on another server (its stanza came over a
/// server-to-server stream). Answers go back the way the request came.
public struct Requester: Sendable {
    /// The sender's address: a local session's full JID, or the remote `from`.
    public let jid: JID
    /// The local session, nil when the sender is remote.
    public let session: ClientSession?

    /// A local client.
    public init(_ session: ClientSession) {
        self.jid = session.jid
        self.session = session
    }

    /// An entity on another server.
    public init(remote jid: JID) {
        self.jid = jid
        self.session = nil
    }
}

/// Where stanzas for other servers go: the server-to-server links.
public protocol RemoteDelivery: Sendable {
    /// Sends `stanza` (with `from` on a hosted domain) to `domain`. What cannot be
    /// delivered comes back to its sender as an error reply through
    /// ``Router/receive(_:)``, never silently dropped.
    func send(_ stanza: Stanza, to domain: String)
}
