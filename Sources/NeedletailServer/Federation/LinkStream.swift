import NIOCore
import XMPPCore
import XMPPStreams

/// A server-to-server stream our stanzas for a remote domain can go on: our own
/// outbound connection, or the peer's inbound one once it made it
/// bidirectional (XEP-0288). What an ``OutboundLink`` needs of either.
protocol LinkStream: AnyObject {
    /// Writes a stanza and flushes.
    func write(_ stanza: Stanza)
    /// Sends a dialback verify request if the stream can carry it now.
    func sendVerify(_ request: DialbackElement) -> Bool
    /// Ends the stream because nothing used it for a while.
    func closeForIdleness()
    /// Ends the stream with a stream error (shutdown).
    func closeWithError(_ error: StreamError)
}

/// A stream handler that reads stanzas from a peer server and can hold its
/// input while the router works on one.
protocol StanzaReceivingHandler: AnyObject {
    var context: ChannelHandlerContext? { get }
    var isSuspended: Bool { get set }
    /// Pulls what the buffered bytes complete, unless suspended.
    func processParsedInput()
    func flush()
}

extension StanzaReceivingHandler {
    /// Hands a stanza from a peer server to the router. While it needs storage
    /// (an offline message, a subscription), further input waits, so one peer's
    /// stanzas take effect in the order it sent them.
    func receive(_ stanza: Stanza, router: Router) {
        guard let work = router.receive(stanza), let context else { return }
        isSuspended = true
        let promise = context.eventLoop.makePromise(of: Void.self)
        promise.completeWithTask(work)
        promise.futureResult.assumeIsolated().whenComplete { [self] _ in
            isSuspended = false
            processParsedInput()
            flush()
        }
    }
}
