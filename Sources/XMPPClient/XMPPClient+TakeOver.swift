import NIOCore

extension XMPPClient {
    /// Hands the established session's connection to the caller, who drives the
    /// rest of the stream with bytes of its own: for a load generator that writes
    /// stanzas serialized in advance, tens of thousands a second, where the
    /// client's per-stanza work would be the bottleneck it measures.
    ///
    /// The client's handler leaves the pipeline; TLS, when there is, stays, so the
    /// caller writes and reads plaintext `ByteBuffer`s (its own handlers go after
    /// TLS). The stream stays open: the caller MUST send `</stream:stream>` and
    /// close the channel when done. Afterwards this client is ended in order:
    /// ``incoming`` finishes and ``send(_:)-(XMPPElement)`` throws. Bytes the
    /// handler had read but not yet parsed, and stanzas not yet taken from
    /// ``incoming``, are not handed over.
    public func takeOverConnection() async throws(XMPPClientError) -> any Channel {
        let channel = try establishedChannel()
        do {
            try await channel.eventLoop.flatSubmit {
                do {
                    let operations = channel.pipeline.syncOperations
                    return operations.removeHandler(try operations.handler(type: XMPPClientHandler.self))
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }.get()
        } catch {
            throw .closed("the connection could not be handed over: \(error)")
        }
        return channel
    }
}

// The handler is removed only by ``XMPPClient/takeOverConnection()``; its
// `handlerRemoved` ends the session in order, as a closed stream does.
extension XMPPClientHandler: RemovableChannelHandler {}
