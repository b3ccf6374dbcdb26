import Logging
import NIOCore
import XMPPCore

/// XEP-0199 §4.1 server-to-client pings: a client silent for the ping interval
/// is pinged; one that sends nothing at all within the timeout is gone (a
/// half-open TCP connection, a phone that lost its network), and its stream is
/// closed with `connection-timeout`, which ends the session and tells its
/// contacts it is unavailable.
extension C2SHandler {
    func startKeepalive() {
        let interval = server.configuration.limits.pingIntervalSeconds
        guard interval > 0, server.router.modules.names.contains(PingModule.name), let context else { return }
        keepalive = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(Int64(interval))) { [self] in
            pingIfIdle()
            startKeepalive()
        }
    }

    private func pingIfIdle() {
        let interval = TimeAmount.seconds(Int64(server.configuration.limits.pingIntervalSeconds))
        guard let session, let context, !awaitingPing, NIODeadline.now() - lastInput >= interval else { return }
        awaitingPing = true
        let sentAt = NIODeadline.now()
        let router = server.router
        let timeout = Duration.seconds(server.configuration.limits.pingTimeoutSeconds)
        let promise = context.eventLoop.makePromise(of: Bool.self)
        promise.completeWithTask {
            let ping = IQ(type: .get, id: "", from: session.jid.domain, payload: XMPPElement("ping", namespace: Namespace.ping))
            return await router.requests.send(ping, to: session, timeout: timeout) != nil
        }
        promise.futureResult.assumeIsolated().whenSuccess { [self] answered in
            awaitingPing = false
            // Any input at all, an error reply included, shows the client is there.
            guard !answered, lastInput < sentAt, self.session != nil else { return }
            closeReason = "no answer to a ping"
            guard !isResumable else {
                // The client may be back on another network soon: the session waits for it (XEP-0198 §5).
                logger.info("client did not answer a ping; closing the connection, the session waits to be resumed")
                self.context?.close(promise: nil)
                return
            }
            logger.info("client did not answer a ping; closing")
            closeWithError(StreamError(.connectionTimeout, text: "no answer to a ping"), header: nil)
        }
    }
}
