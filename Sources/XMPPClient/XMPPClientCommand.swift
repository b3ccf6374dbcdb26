import NIOCore
import XMPPCore

/// What ``XMPPClient`` asks its channel handler to do. Commands enter the
/// pipeline as writes (`channel.writeAndFlush`), so they reach the handler on
/// its event loop, in order, without locks.
enum XMPPClientCommand: Sendable {
    /// Write a top-level element on the established stream.
    case send(XMPPElement)
    /// Write an IQ request (its `id` already set) and complete `response` with the
    /// answer, or fail it with ``XMPPClientError/Code/timeout`` after `timeout`.
    case request(IQ, timeout: TimeAmount, response: EventLoopPromise<IQ>)
    /// Give up waiting for the answer to the request with this `id` (the caller
    /// was cancelled).
    case cancelRequest(id: String)
    /// Close the stream in order (RFC 6120 §4.4).
    case close
}
