import XMPPCore
import XMPPStreams

/// One client connection driven in memory the way `C2SHandler` drives a real
/// one (NeedletailServer/Listeners/C2SHandler.swift and +Actions.swift): the
/// client's bytes go through a stream parser into a
/// ``ServerNegotiationStateMachine``, and each action is performed here, with
/// storage, TLS, the session registry and the router replaced by answers made
/// on the spot. What the server would write goes to a ``ClientView``, which
/// checks it.
///
/// Invariants that trap when broken: a closing action leaves the machine
/// closed; a closed machine answers everything with `.wait`; authentication
/// succeeds only for the active test account and only on a confidential
/// stream; stanzas come only once a resource is bound, in jabber:client; and
/// every element written parses back the same inside an open stream.
struct C2SSession {
    private let flags: FuzzInputFlags
    private var parser: XMLStreamParser
    private var machine: ServerNegotiationStateMachine
    private var client = ClientView()
    /// The account SASL authenticated, between success and binding (as the handler keeps it).
    private var account: JID?
    /// Credential look-ups asked for and not yet answered. Storage answers off
    /// the event loop, and the handler meanwhile goes on parsing what is
    /// buffered; here the answer comes once the current read is parsed.
    private var pendingLookups: [(username: String, domain: String, hash: SCRAMHash)] = []
    /// The driver itself ended the stream (plaintext after STARTTLS, a forged
    /// `from`, a nonza) without the machine's knowing, as the handler does.
    private var closedByDriver = false
    private var streamCount = 0

    init(flags: FuzzInputFlags) {
        self.flags = flags
        let limit = 64 * 1024
        parser = XMLStreamParser(mode: .stream, limits: XMLParserLimits(maxElementBytes: limit, maxTextBytes: limit))
        machine = ServerNegotiationStateMachine(configuration: .init(
            hostedDomains: [TestAccounts.domain, TestAccounts.otherDomain], defaultDomain: TestAccounts.domain,
            tls: flags.tls, unknownUserSecret: Array(repeating: 7, count: 32),
            iterations: SCRAMCredentials.minimumIterations, maxAuthenticationRetries: 2,
            postAuthenticationFeatures: [XMPPElement("sm", namespace: "urn:xmpp:sm:3")],
            offersRegistration: flags.offersRegistration))
    }

    /// Whether nothing more is read: the stream is over for one side or the other.
    var isFinished: Bool { machine.isClosed || closedByDriver }

    /// One read's worth of client bytes.
    mutating func receive(_ bytes: [UInt8]) {
        parser.append(contentsOf: bytes)
        processParsedInput()
        answerLookups()
    }

    /// The input is over: storage answers what is still pending, then the
    /// negotiation timer fires on whatever is left; a closed machine is then
    /// poked with every event to check it stays quiet.
    mutating func finish() {
        answerLookups()
        if !isFinished {
            perform { $0.negotiationTimedOut(streamID: "timeout") }
            precondition(machine.isClosed || machine.boundJID != nil, "the negotiation timeout left an unbound stream open")
        }
        if machine.isClosed {
            pokeClosedMachine()
        }
    }

    // MARK: Feeding the machine

    /// Pulls every event the buffered bytes complete, as `C2SHandler.processParsedInput` does.
    private mutating func processParsedInput() {
        while !isFinished {
            let event: XMLStreamParser.Event
            do {
                guard let next = try parser.next() else { return }
                event = next
            } catch {
                let id = nextStreamID()
                perform { $0.parseFailed(error, streamID: id) }
                return
            }
            switch event {
            case .streamOpened(let header):
                let id = nextStreamID()
                perform { $0.streamHeaderReceived(header, streamID: id) }
            case .element(let element):
                perform { $0.elementReceived(element) }
            case .streamClosed:
                perform { $0.streamClosed() }
            }
        }
    }

    private mutating func answerLookups() {
        while !pendingLookups.isEmpty {
            let request = pendingLookups.removeFirst()
            let lookup = TestAccounts.lookup(username: request.username, domain: request.domain, hash: request.hash)
            perform { $0.credentialsLookedUp(lookup) }
        }
        processParsedInput()
    }

    /// Calls the machine and performs its action; a machine closed before the call must say `.wait`.
    private mutating func perform(_ event: (inout ServerNegotiationStateMachine) -> ServerNegotiationStateMachine.Action) {
        let wasClosed = machine.isClosed
        let action = event(&machine)
        precondition(!wasClosed || action == .wait, "a closed machine asked for \(action)")
        run(action)
    }

    private mutating func nextStreamID() -> String {
        streamCount += 1
        return "s\(streamCount)"
    }

    // MARK: Performing actions (C2SHandler+Actions.swift, in memory)

    private mutating func run(_ action: ServerNegotiationStateMachine.Action) {
        switch action {
        case .sendHeaderAndFeatures(let header, let features):
            precondition(header.from == TestAccounts.domain || header.from == TestAccounts.otherDomain,
                         "a response header from a domain not hosted: \(header)")
            client.writeHeader(header)
            client.write(features.element)

        case .send(let element):
            client.write(element)

        case .startTLS:
            startTLS()

        case .lookUpCredentials(let username, let domain, let hash):
            precondition(domain == TestAccounts.domain || domain == TestAccounts.otherDomain,
                         "credentials looked up on a domain not hosted: \(domain)")
            pendingLookups.append((username, domain, hash))

        case .authenticated(let jid, let success):
            precondition(jid.isBare && jid.localpart == TestAccounts.active, "authenticated as \(jid)")
            // The fuzzer cannot complete SCRAM (the server's nonce is random), so a
            // success where the stream is not confidential would be PLAIN in the clear.
            precondition(machine.isStreamConfidential, "authenticated on a stream that is not confidential")
            client.write(success)
            client.restart()
            account = jid
            // RFC 6120 §6.4.6: both sides restart the stream after success.
            parser.reset()

        case .register(let request, let domain):
            precondition(flags.offersRegistration && machine.isStreamConfidential, "registration where it is not open")
            precondition(domain.isDomain && (domain.domainpart == TestAccounts.domain || domain.domainpart == TestAccounts.otherDomain),
                         "registration for a domain not hosted: \(domain)")
            perform { $0.registrationAnswered(Self.registrationReply(to: request)) }

        case .refuseRegistration(let reply, _):
            client.write(reply)

        case .bindResource(let requested):
            guard let account else { preconditionFailure("a bind before authentication") }
            if requested == "conflict" {
                // The registry's refusal (RFC 6120 §7.7.2.2); the client may try again.
                perform { $0.resourceBindingFailed(.conflict("that resource is taken")) }
                return
            }
            guard let jid = try? account.withResource(requested ?? "fuzz") else {
                preconditionFailure("the machine passed on a resource that is not valid: \(requested ?? "-")")
            }
            perform { $0.resourceBound(jid) }

        case .resume(_, _, let resuming):
            precondition(resuming == account, "a resumption for \(resuming), authenticated as \(account.map { "\($0)" } ?? "nobody")")
            // No session is ever detached here: the server's answer to an unknown SM-ID (XEP-0198 §5).
            perform { $0.resumptionFailed(StreamManagementElement.failed(.itemNotFound, h: nil).element) }

        case .established(let jid, let result):
            precondition(jid.bare == account && machine.boundJID == jid, "established as \(jid) for \(account.map { "\($0)" } ?? "nobody")")
            client.write(result)

        case .stanza(let stanza):
            guard let jid = machine.boundJID else { preconditionFailure("a stanza before a resource is bound") }
            switch StanzaHandling.handle(stanza, session: jid) {
            case .write(let elements):
                elements.forEach { client.write($0) }
            case .closeWithError(let error):
                closeByDriver(error)
            }

        case .nonza(let element):
            precondition(machine.boundJID != nil, "a nonza before a resource is bound")
            // As the handler: no module here handles first-level elements (RFC 6120 §4.9.3.24).
            closeByDriver(StreamError(.unsupportedStanzaType, text: "<\(element.name)/> is not supported"))

        case .closeWithError(let error, let header):
            precondition(machine.isClosed, "closeWithError left the machine open")
            if let header { client.writeHeader(header) }
            client.write(error.element)
            client.close()

        case .sendAndClose(let element):
            precondition(machine.isClosed, "sendAndClose left the machine open")
            client.write(element)
            client.close()

        case .failAuthenticationAndClose(let failure, let error):
            precondition(machine.isClosed, "failAuthenticationAndClose left the machine open")
            client.write(failure)
            client.write(error.element)
            client.close()

        case .closeStream:
            precondition(machine.isClosed, "closeStream left the machine open")
            client.close()

        case .wait:
            break
        }
    }

    /// `<proceed/>`, then the handshake, which here always works at once. As the
    /// handler: plaintext already buffered past `<starttls/>` ends the stream
    /// (RFC 6120 §5.4.3.3), whitespace excepted.
    private mutating func startTLS() {
        parser.discardBufferedWhitespace()
        guard parser.bufferedByteCount == 0 else {
            closeByDriver(StreamError(.policyViolation, text: "data after <starttls/>"))
            return
        }
        client.write(XMPPElement("proceed", namespace: Namespace.tls))
        client.restart()
        parser.reset()
        perform { $0.tlsEstablished() }
        precondition(machine.isStreamConfidential, "the stream is not confidential after TLS")
    }

    /// A stream error the driver sends on its own; the machine is not told.
    private mutating func closeByDriver(_ error: StreamError) {
        client.write(error.element)
        client.close()
        closedByDriver = true
    }

    /// What the registration module would answer: the form to a get, success to a set.
    private static func registrationReply(to request: IQ) -> IQ {
        guard request.type == .get else { return request.result() }
        var query = XMPPElement("query", namespace: Namespace.register)
        query.append(XMPPElement("username", namespace: Namespace.register))
        query.append(XMPPElement("password", namespace: Namespace.register))
        return request.result(payload: query)
    }

    /// Every event a driver could still deliver to a closed machine, each of which must be `.wait`.
    private mutating func pokeClosedMachine() {
        let header = StreamHeader(to: TestAccounts.domain, version: "1.0", contentNamespace: Namespace.client)
        let jid = try! JID("alice@example.com/fuzz")
        perform { $0.streamHeaderReceived(header, streamID: "late") }
        perform { $0.elementReceived(XMPPElement("message", namespace: Namespace.client)) }
        perform { $0.credentialsLookedUp(.noSuchUser) }
        perform { $0.tlsEstablished() }
        perform { $0.resourceBound(jid) }
        perform { $0.resourceBindingFailed(.conflict()) }
        perform { $0.registrationAnswered(IQ(type: .result, id: "late")) }
        perform { $0.parseFailed(.notWellFormed("late"), streamID: "late") }
        perform { $0.negotiationTimedOut(streamID: "late") }
        perform { $0.refuse(.policyViolation("late"), streamID: "late") }
        perform { $0.streamClosed() }
    }
}
