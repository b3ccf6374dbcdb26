import Logging
import NIOCore
import NIOSSL
import NeedletailStorage
import XMPPCore
import XMPPStreams

extension C2SHandler {
    /// Performs one action of the negotiation machine: the single place side effects happen.
    func run(_ action: ServerNegotiationStateMachine.Action) {
        switch action {
        case .sendHeaderAndFeatures(let header, let features):
            writer.write(header)
            write(features.element)

        case .send(let element):
            guard element.name == "failure", element.namespace == Namespace.sasl else {
                write(element)
                return
            }
            server.router.audit.authenticationFailed(address: peerAddress, condition: element.elements.first?.name ?? "unknown")
            writeAfterThrottle([element])

        case .startTLS:
            startTLS()

        case .lookUpCredentials(let username, let domain, let hash):
            lookUpCredentials(username: username, domain: domain, hash: hash)

        case .authenticated(let jid, let success):
            server.router.audit.authenticationSucceeded(jid, address: peerAddress)
            server.authenticationThrottle.succeeded(account: jid.bare.description)
            write(success)
            account = jid
            logger[metadataKey: "xmpp.jid"] = "\(jid)"
            logger.info("authenticated")
            // RFC 6120 §6.4.6: both sides restart the stream after success.
            parser.reset()

        case .register(let request, let domain):
            register(request, domain: domain)

        case .refuseRegistration(let reply, let error):
            logger.info("registration refused", metadata: ["xmpp.error": "\(error)"])
            write(reply)

        case .bindResource(let requested):
            bindResource(requested)

        case .resume(let previd, let h, let account):
            resume(previd: previd, h: h, account: account)

        case .established(let jid, let result):
            write(result)
            negotiationTimeout?.cancel()
            negotiationTimeout = nil
            logger[metadataKey: "xmpp.jid"] = "\(jid)"
            logger.info("session established")
            startKeepalive()

        case .stanza(let stanza):
            guard let session else { return }
            do {
                let work = try server.router.route(stanza, from: session)
                countHandled()
                if let work {
                    suspend(until: work)
                }
            } catch {
                closeForProtocolError(error)
            }

        case .nonza(let element):
            if handleStreamManagement(element) { return }
            // RFC 6120 §4.9.3.24: a first-level element nothing here handles.
            closeReason = "unsupported first-level element <\(element.name)>"
            closeWithError(StreamError(.unsupportedStanzaType, text: "<\(element.name)/> is not supported"), header: nil)

        case .closeWithError(let error, let header):
            logger.info("closing with a stream error", metadata: ["xmpp.error": "\(error)"])
            closeReason = closeReason ?? "stream error: \(error.condition.rawValue)"
            closeWithError(error, header: header)

        case .sendAndClose(let element):
            write(element)
            closeReason = "negotiation failed"
            closeAfterWriting()

        case .failAuthenticationAndClose(let failure, let error):
            server.router.audit.authenticationFailed(address: peerAddress, condition: failure.elements.first?.name ?? "unknown")
            logger.warning("too many failed authentication attempts")
            closeReason = "too many failed authentication attempts"
            writeAfterThrottle([failure, error.element]) { [self] in closeAfterWriting() }

        case .closeStream:
            // The client closed first; ours answers it and the connection ends.
            closeAfterWriting(waitForPeer: false)

        case .wait:
            break
        }
    }

    /// RFC 6120 §5.4.3.3: `<proceed/>` goes out in plaintext, then TLS starts at
    /// exactly that point; plaintext the client already sent past `<starttls/>`
    /// would be a downgrade vector, so it ends the stream.
    private func startTLS() {
        guard let context, let tls = server.tls else {
            closeWithError(StreamError(.internalServerError, text: "TLS is not available"), header: nil)
            return
        }
        parser.discardBufferedWhitespace()
        guard parser.bufferedByteCount == 0 else {
            closeReason = "plaintext after STARTTLS"
            closeWithError(StreamError(.policyViolation, text: "data after <starttls/>"), header: nil)
            return
        }
        write(XMPPElement("proceed", namespace: Namespace.tls))
        flush()
        do {
            try context.pipeline.syncOperations.addHandler(ServerTLSHandler.make(context: tls.serverContext), position: .first)
        } catch {
            closeReason = "could not start TLS: \(error)"
            context.close(promise: nil)
            return
        }
        parser.reset()
    }

    /// Asks storage for the account's keys off the event loop; the answer comes
    /// back to this loop and into the machine.
    private func lookUpCredentials(username: String, domain: String, hash: SCRAMHash) {
        guard let context else { return }
        authenticatingAs = "\(username)@\(domain)"
        let accounts = server.accounts
        let promise = context.eventLoop.makePromise(of: SASLCredentialLookup.self)
        promise.completeWithTask {
            do {
                guard let stored = try await accounts.credentials(localpart: username, domain: domain) else {
                    return .noSuchUser
                }
                return stored.lookup(for: hash)
            } catch {
                return .temporarilyUnavailable
            }
        }
        promise.futureResult.assumeIsolated().whenSuccess { [self] lookup in
            if case .temporarilyUnavailable = lookup {
                logger.error("storage failed during authentication")
            }
            run(machine.credentialsLookedUp(lookup))
            processParsedInput()
            flush()
        }
    }

    /// Has the registration module answer a request before authentication (XEP-0077
    /// §3.1), off the event loop (deriving keys takes a while); the client's further
    /// input waits for the answer.
    private func register(_ request: IQ, domain: JID) {
        guard let handler = server.router.modules.registrationHandler else {
            // The machine hands requests over only while a module takes them.
            logger.error("a registration request came with no module to answer it")
            if let reply = request.errorReply(StanzaError.serviceUnavailable(), includingOriginalPayload: false) {
                run(machine.registrationAnswered(reply))
            }
            return
        }
        let client = UnauthenticatedClient(domain: domain, address: peerAddress, logger: logger)
        let router = server.router
        suspend(until: { await handler(request, client, router) }, then: { [self] reply in
            run(machine.registrationAnswered(reply))
        })
    }

    /// Binds a resource in the registry; a session it replaces gets `conflict`
    /// (RFC 6120 §7.7.2.2, the server's policy of letting the new login win).
    private func bindResource(_ requested: String?) {
        guard let account, let channel = context?.channel else { return }
        let result = server.registry.bind(
            account: account, requested: requested, maxResources: server.configuration.limits.maxResourcesPerAccount
        ) { jid, id in
            ClientSession(jid: jid, id: id, channel: channel, isConfidential: machine.isStreamConfidential)
        }
        switch result {
        case .success(let binding):
            session = binding.session
            boundSession = binding.session
            if let replaced = binding.replaced {
                logger.info("replacing an older session with the same resource")
                replaced.close(with: StreamError(.conflict, text: "replaced by a new login with the same resource"))
            }
            // Modules load what they filter by (a blocklist) before the session can get anything.
            let router = server.router
            let jid = binding.session.jid
            suspend(until: { await router.prepare(jid.bare) }, then: { [self] _ in run(machine.resourceBound(jid)) })
        case .failure(let error):
            run(machine.resourceBindingFailed(error))
        }
    }

    /// Answers a failed authentication once the throttle's delay for the
    /// client's address and account has passed, reading nothing from the client
    /// meanwhile (it waits for this answer anyway), then does `then`.
    private func writeAfterThrottle(_ elements: [XMPPElement], then: (() -> Void)? = nil) {
        let delay = server.authenticationThrottle.failed(address: peerAddress, account: authenticatingAs)
        authenticatingAs = nil
        guard delay > .zero, let context else {
            elements.forEach(write)
            then?()
            return
        }
        logger.info("failed authentication answered later", metadata: ["delay_ms": "\(delay.nanoseconds / 1_000_000)"])
        isSuspended = true
        context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
            isSuspended = false
            elements.forEach(write)
            then?()
            processParsedInput()
            flush()
        }
    }
}
