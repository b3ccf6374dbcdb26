import XMPPCore

/// What the router does with a stanza from the bound session, reduced to what
/// needs no server: the `from` check and stamp (RFC 6120 §8.1.2.1), addresses
/// parsed, the views read, and the answers made: error replies (§8.3.1),
/// results to pings, the session's own messages delivered back to it. Every
/// view of the stanza is read on the way, so the stanza code runs on whatever
/// the fuzzer makes.
enum StanzaHandling {
    /// What the driver writes back.
    enum Outcome {
        /// Elements for the session's own stream (answers, or stanzas it gets).
        case write([XMPPElement])
        /// The stanza ends the stream, as the router's `invalid-from` does.
        case closeWithError(StreamError)
    }

    static func handle(_ received: Stanza, session: JID) -> Outcome {
        precondition(received.element.namespace == Namespace.client, "a stanza not in jabber:client: \(received.element)")
        precondition(Stanza(element: received.element) == received, "the stanza view does not wrap its own element")
        readViews(received)

        var stanza = received
        if let claimed = stanza.fromAttribute {
            // The client may give its full or bare JID; anything else is forged (RFC 6120 §4.9.3.9).
            guard let jid = try? JID(claimed), jid == session || jid == session.bare else {
                return .closeWithError(StreamError(.invalidFrom, text: "'from' is not this session's address"))
            }
        }
        stanza.setFrom(session)
        precondition(stanza.fromAttribute.flatMap { try? JID($0) } == session, "the stamped 'from' does not read back")

        let to: JID?
        if let raw = stanza.toAttribute {
            guard let parsed = try? JID(raw) else {
                return bounce(stanza, .jidMalformed("the 'to' address is not a valid JID"))
            }
            to = parsed
        } else {
            to = nil
        }
        switch stanza {
        case .message(let message):
            return handle(message, to: to, session: session)
        case .presence(let presence):
            return handle(presence, to: to, session: session)
        case .iq(let iq):
            return handle(iq, to: to, session: session)
        }
    }

    private static func handle(_ message: Message, to: JID?, session: JID) -> Outcome {
        guard let to, to.bare != session.bare else {
            // To the account itself: it is the one session, so it gets the message.
            return .write([message.element])
        }
        if to.domainpart == TestAccounts.domain || to.domainpart == TestAccounts.otherDomain {
            // RFC 6121 §8.5.2.2.1: no such account here, and no offline storage in the fuzzer.
            return bounce(.message(message), .serviceUnavailable())
        }
        return bounce(.message(message), .remoteServerNotFound("this server does not federate"))
    }

    private static func handle(_ presence: Presence, to: JID?, session: JID) -> Outcome {
        if let error = presence.validationError {
            return bounce(.presence(presence), error)
        }
        let type = presence.type ?? .available
        let isSubscription = [.subscribe, .subscribed, .unsubscribe, .unsubscribed].contains(type)
        if isSubscription, to == nil {
            return bounce(.presence(presence), .badRequest("a subscription stanza needs a 'to'"))
        }
        guard let to else {
            switch type {
            case .available, .unavailable: return .write([])
            default: return bounce(.presence(presence), .badRequest("this presence type needs a 'to'"))
            }
        }
        if to.bare == session.bare {
            return .write([presence.element])
        }
        return .write([])
    }

    private static func handle(_ iq: IQ, to: JID?, session: JID) -> Outcome {
        guard iq.type?.isRequest == true else {
            // Results and errors answer the server's own requests, or end here (RFC 6120 §8.2.3).
            return .write([])
        }
        if let error = iq.validationError {
            return bounce(.iq(iq), error)
        }
        if let to, to != session.domain, to.bare != session.bare {
            return bounce(.iq(iq), to.domainpart == session.domainpart ? .serviceUnavailable() : .remoteServerNotFound())
        }
        // XEP-0199: the one payload the fuzzer's server answers; the rest is RFC 6120 §8.4's service-unavailable.
        guard iq.type == .get, iq.payload(named: "ping", namespace: Namespace.ping) != nil else {
            return bounce(.iq(iq), .serviceUnavailable())
        }
        var result = iq.result()
        precondition(result.type == .result && result.id == iq.id, "an IQ result that does not answer its request")
        result.setTo(session)
        return .write([result.element])
    }

    /// The error reply (RFC 6120 §8.3.1), checked against what §8.3.1 says it is;
    /// nothing for an error stanza, which is never answered with another.
    private static func bounce(_ stanza: Stanza, _ error: StanzaError) -> Outcome {
        guard let reply = stanza.errorReply(error) else {
            precondition(stanza.isError, "no error reply to a stanza that is not an error")
            return .write([])
        }
        precondition(reply.isError && reply.id == stanza.id, "an error reply of the wrong type or id: \(reply.element)")
        precondition(reply.toAttribute == stanza.fromAttribute && reply.fromAttribute == stanza.toAttribute,
                     "an error reply whose addresses are not the original's swapped: \(reply.element)")
        precondition(reply.element.name == stanza.element.name && reply.element.namespace == stanza.element.namespace,
                     "an error reply of another kind: \(reply.element)")
        let carried = errorOf(reply)
        precondition(carried?.condition == error.condition,
                     "an error reply reads as \(carried.map { "\($0.condition)" } ?? "no error"), not \(error.condition): \(reply.element)")
        return .write([reply.element])
    }

    private static func errorOf(_ stanza: Stanza) -> StanzaError? {
        switch stanza {
        case .message(let message): message.error
        case .presence(let presence): presence.error
        case .iq(let iq): iq.error
        }
    }

    // MARK: Reading every view

    private static func readViews(_ stanza: Stanza) {
        switch stanza {
        case .message(let message):
            readCommon(message)
            _ = (message.type, message.hasValidType, message.body, message.bodies, message.subject, message.subjects)
            _ = (message.thread, message.parentThread, message.body(language: "en"), message.subject(language: "fr"))
        case .presence(let presence):
            readCommon(presence)
            _ = (presence.type, presence.hasValidType, presence.show, presence.status, presence.statuses)
            _ = (try? presence.priority, presence.status(language: "en"), presence.validationError)
        case .iq(let iq):
            readCommon(iq)
            _ = (iq.type, iq.hasValidType, iq.payload, iq.payloadCount, iq.validationError)
        }
        _ = (stanza.id, stanza.isError, stanza.toAttribute, stanza.fromAttribute)
    }

    private static func readCommon<View: StanzaView>(_ view: View) {
        _ = (view.contentNamespace, view.id, view.typeAttribute, view.language, view.payloads)
        _ = (try? view.to, try? view.from)
        if let first = view.payloads.first {
            _ = (view.payload(in: first.namespace), view.payloads(in: first.namespace), view.payload(named: first.name, namespace: first.namespace))
        }
        if let error = view.error {
            // What a parse keeps must survive being written and parsed again.
            let again = StanzaError(element: error.element(namespace: view.contentNamespace))
            precondition(again == error, "a stanza error changed in a round trip: \(error) became \(again.map { "\($0)" } ?? "nil")")
            _ = (error.condition.defaultType, error.description)
        }
    }
}
