import NIOCore
import XMPPCore

extension XMPPClient {
    /// Sends a top-level element on the established stream, serialized in the
    /// `jabber:client` context; returns once it is written to the connection.
    public func send(_ element: XMPPElement) async throws(XMPPClientError) {
        let channel = try establishedChannel()
        do {
            try await channel.writeAndFlush(XMPPClientCommand.send(element)).get()
        } catch let error as XMPPClientError {
            throw error
        } catch {
            throw .closed("the write failed: \(error)")
        }
    }

    /// Sends a message, presence or IQ. An IQ request sent this way gets no
    /// matching: its answer arrives on ``incoming``. Use ``iq(_:timeout:)`` to await it.
    public func send(_ stanza: some StanzaView) async throws(XMPPClientError) {
        try await send(stanza.element)
    }

    /// Sends a stanza of any kind, as the `StanzaView` overload does.
    public func send(_ stanza: Stanza) async throws(XMPPClientError) {
        try await send(stanza.element)
    }

    /// Sends an IQ request and waits for its answer, as long as
    /// ``Timeouts/request`` allows; see ``iq(_:timeout:)``.
    public func iq(_ request: IQ) async throws -> IQ {
        try await iq(request, timeout: configuration.timeouts.request)
    }

    /// Sends an IQ `get` or `set` and returns the `result` that answers it.
    ///
    /// An `id` is assigned when the request has none (or an empty one). The answer
    /// is the `result` or `error` with that `id` from the addressee (RFC 6120
    /// §8.2.3): from the request's `to`, or, when it had none, from the account or
    /// its server, which handles such requests for the account. Answers from
    /// anyone else go to ``incoming`` like any stanza.
    ///
    /// - Throws: the `StanzaError` of an `error` answer; ``XMPPClientError`` with
    ///   ``XMPPClientError/Code/timeout`` when no answer comes in time,
    ///   ``XMPPClientError/Code/closed`` when the session is not established or
    ///   ends first, ``XMPPClientError/Code/invalidRequest`` for a request that is not
    ///   a `get` or `set`, has an invalid `to`, or reuses the `id` of one still
    ///   waiting; `CancellationError` when the calling task is cancelled.
    public func iq(_ request: IQ, timeout: Duration) async throws -> IQ {
        let request = try Self.prepareRequest(request)
        let channel = try establishedChannel()
        let response = channel.eventLoop.makePromise(of: IQ.self)
        let id = request.id ?? ""
        let command = XMPPClientCommand.request(request, timeout: TimeAmount(timeout), response: response)
        channel.writeAndFlush(command).whenFailure { error in
            response.fail(error as? XMPPClientError ?? .closed("the write failed: \(error)"))
        }
        let answer = try await withTaskCancellationHandler {
            try await response.futureResult.get()
        } onCancel: {
            response.fail(CancellationError())
            channel.writeAndFlush(XMPPClientCommand.cancelRequest(id: id), promise: nil)
        }
        if answer.type == .error {
            throw answer.error ?? StanzaError(.undefinedCondition, text: "an error answer without <error/>")
        }
        return answer
    }

    /// Closes the session in order (RFC 6120 §4.4): sends `</stream:stream>`,
    /// waits up to ``Timeouts/close`` for the server's, then closes the
    /// connection. ``incoming`` finishes. Safe to call at any time, more than once.
    public func close() async {
        guard let channel = beginClose() else {
            incomingContinuation.finish()
            return
        }
        channel.writeAndFlush(XMPPClientCommand.close, promise: nil)
        try? await channel.closeFuture.get()
    }

    /// Drops the TCP connection without closing the stream, as a lost network
    /// does: the server sees the connection end with no `</stream:stream>`. For
    /// tests of what a server does then, and of stream resumption.
    public func disconnectAbruptly() async {
        guard let channel = beginClose() else {
            incomingContinuation.finish()
            return
        }
        try? await channel.close()
        // The handler hears of the close on the loop after the close completes;
        // once a task queued behind it ran, the end (and ``resumableSession``) is known.
        try? await channel.eventLoop.submit {}.get()
    }

    /// An ID for a stanza: 128 random bits in hex, unique for all practical purposes
    /// and unpredictable, so no one can answer a request before seeing it
    /// (RFC 6120 §8.1.3 leaves the form to the sender).
    public static func makeStanzaID() -> String {
        var generator = SystemRandomNumberGenerator()
        return hexDigits(generator.next()) + hexDigits(generator.next())
    }

    /// `value` as 16 hex digits.
    private static func hexDigits(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// `request` checked for ``iq(_:timeout:)``, with an `id` assigned if missing.
    static func prepareRequest(_ request: IQ) throws(XMPPClientError) -> IQ {
        guard let type = request.type, type.isRequest else {
            throw .invalidRequest("iq() sends requests: type get or set")
        }
        if let to = request.toAttribute, (try? JID(to)) == nil {
            throw .invalidRequest("the request's 'to' is not a valid JID")
        }
        var prepared = request
        if prepared.id?.isEmpty ?? true {
            prepared.id = makeStanzaID()
        }
        return prepared
    }
}
