import NIOCore
import Testing
import XMPPCore
@testable import XMPPStreams

/// Runs ``ClientNegotiationStateMachine`` against ``ServerNegotiationStateMachine``
/// over real bytes: each side serializes what its machine says to send, and the
/// other side's ``XMLStreamParser`` reads it, so the wire form is exercised too.
/// TLS is simulated: once the client has `<proceed/>`, both sides are told the
/// handshake finished, each with its own channel binding data.
struct NegotiationPair {
    var client: ClientNegotiationStateMachine
    var server: ServerNegotiationStateMachine
    /// Answers to the server's credential lookups, by username, for every hash.
    var accounts: [SCRAMHash: [String: SASLCredentialLookup]]
    /// What each side computes from the (simulated) TLS handshake.
    var clientBinding: ChannelBinding?
    var serverBinding: ChannelBinding?
    /// The session registry: the requested resource (nil: make one) to a full JID or a refusal.
    var bindResource: (String?) -> Result<JID, StanzaError>
    /// Rewrites the server's features before they are sent (to add XEP-0440, say).
    var rewriteFeatures: (StreamFeatures) -> XMPPElement = { $0.element }
    /// Whether bytes are handed over one at a time.
    var dripFeed = false

    private var clientParser = XMLStreamParser(mode: .stream, inheritsStreamLanguage: false)
    private var serverParser = XMLStreamParser(mode: .stream)
    private var toServer = ByteBuffer()
    private var toClient = ByteBuffer()
    private var clientAwaitsTLS = false
    private var serverAwaitsTLS = false
    private var streamCount = 0

    /// What happened.
    var established: JID?
    var clientFailure: ClientNegotiationStateMachine.Failure?
    var clientClosed = false
    /// The mechanism the client asked for, from its `<auth/>`.
    var mechanismUsed: String?
    /// The GS2 channel binding flag of the SCRAM client-first-message (`n`, `y` or `p`).
    var channelBindingFlag: Character?
    /// The stanzas the client handed on.
    var clientStanzas: [Stanza] = []
    /// Every element the server received, in order.
    var serverReceived: [XMPPElement] = []
    /// What the server's established session handed on.
    var serverStanzas: [Stanza] = []

    init(
        client: ClientNegotiationStateMachine.Configuration,
        server: ServerNegotiationStateMachine.Configuration,
        accounts: [SCRAMHash: [String: SASLCredentialLookup]] = NegotiationFixtures.accounts,
        clientBinding: ChannelBinding? = nil,
        serverBinding: ChannelBinding? = nil,
        bindResource: @escaping (String?) -> Result<JID, StanzaError> = NegotiationFixtures.bind
    ) {
        self.client = ClientNegotiationStateMachine(configuration: client)
        self.server = ServerNegotiationStateMachine(configuration: server)
        self.accounts = accounts
        self.clientBinding = clientBinding
        self.serverBinding = serverBinding
        self.bindResource = bindResource
    }

    /// Starts the client and moves bytes until both sides are quiet.
    mutating func run() {
        let direct = client.configuration.tls == .direct
        if direct {
            _ = server.tlsEstablished(channelBinding: serverBinding)
        }
        clientAction(client.start(channelBinding: direct ? clientBinding : nil))
        pump()
    }

    /// Lets the client close the session and runs to the end.
    mutating func closeFromClient() {
        clientAction(client.closeRequested())
        pump()
    }

    /// Has the server write `element` to the client and runs until quiet.
    mutating func serverSends(_ element: XMPPElement) {
        element.write(into: &toClient, context: .clientStream)
        pump()
    }

    /// Moves bytes until both sides are quiet.
    private mutating func pump() {
        for _ in 0..<200 {
            var progressed = false
            if toServer.readableBytes > 0 {
                progressed = true
                feedServer()
            }
            if toClient.readableBytes > 0 {
                progressed = true
                feedClient()
            }
            if clientAwaitsTLS, serverAwaitsTLS {
                progressed = true
                clientAwaitsTLS = false
                serverAwaitsTLS = false
                _ = server.tlsEstablished(channelBinding: serverBinding)
                clientAction(client.tlsEstablished(channelBinding: clientBinding))
            }
            if !progressed { return }
        }
        Issue.record("negotiation did not settle")
    }

    // MARK: Moving bytes

    private mutating func feedServer() {
        var bytes = toServer
        toServer.clear()
        while bytes.readableBytes > 0 {
            let chunk = bytes.readSlice(length: dripFeed ? 1 : bytes.readableBytes)!
            serverParser.append(chunk)
            while !server.isClosed {
                let event: XMLStreamParser.Event?
                do {
                    event = try serverParser.next()
                } catch {
                    serverAction(server.parseFailed(error, streamID: "s-error"))
                    return
                }
                guard let event else { break }
                switch event {
                case .streamOpened(let header):
                    streamCount += 1
                    serverAction(server.streamHeaderReceived(header, streamID: "s\(streamCount)"))
                case .element(let element):
                    serverReceived.append(element)
                    noteSASL(element)
                    serverAction(server.elementReceived(element))
                case .streamClosed:
                    serverAction(server.streamClosed())
                }
            }
        }
    }

    private mutating func feedClient() {
        var bytes = toClient
        toClient.clear()
        while bytes.readableBytes > 0 {
            let chunk = bytes.readSlice(length: dripFeed ? 1 : bytes.readableBytes)!
            clientParser.append(chunk)
            while !client.isClosed {
                let event: XMLStreamParser.Event?
                do {
                    event = try clientParser.next()
                } catch {
                    clientAction(client.parseFailed(error))
                    return
                }
                guard let event else { break }
                switch event {
                case .streamOpened(let header):
                    clientAction(client.streamHeaderReceived(header))
                case .element(let element):
                    clientAction(client.elementReceived(element))
                case .streamClosed:
                    clientAction(client.streamClosedReceived())
                }
            }
        }
    }

    private mutating func noteSASL(_ element: XMPPElement) {
        guard element.name == "auth", element.namespace == Namespace.sasl else { return }
        mechanismUsed = element[attribute: "mechanism"]
        if case .auth(_, let initial?) = try? SASLElement(element), let first = initial.first {
            channelBindingFlag = Character(Unicode.Scalar(first))
        }
    }

    // MARK: Drivers

    private mutating func clientAction(_ action: ClientNegotiationStateMachine.Action) {
        switch action {
        case .sendHeader(let header):
            header.write(into: &toServer)
        case .restartStream(let header):
            clientParser.reset()
            header.write(into: &toServer)
        case .send(let element):
            element.write(into: &toServer, context: .clientStream)
        case .startTLS:
            #expect(clientParser.bufferedByteCount == 0)
            clientParser.reset()
            clientAwaitsTLS = true
        case .established(let jid), .resumed(let jid, _):
            established = jid
        case .stanza(let stanza):
            clientStanzas.append(stanza)
        case .nonza:
            break
        case .sendClose:
            StreamHeader.writeClose(into: &toServer)
        case .closeStream(let error, let failure):
            if let error { error.element.write(into: &toServer, context: .clientStream) }
            StreamHeader.writeClose(into: &toServer)
            clientFailure = failure
            clientClosed = true
        case .closeConnection(let failure):
            clientFailure = failure
            clientClosed = true
        case .wait:
            break
        }
    }

    private mutating func serverAction(_ action: ServerNegotiationStateMachine.Action) {
        switch action {
        case .sendHeaderAndFeatures(let header, let features):
            header.write(into: &toClient)
            rewriteFeatures(features).write(into: &toClient, context: .clientStream)
        case .send(let element):
            element.write(into: &toClient, context: .clientStream)
        case .startTLS:
            XMPPElement("proceed", namespace: Namespace.tls).write(into: &toClient, context: .clientStream)
            serverParser.reset()
            serverAwaitsTLS = true
        case .lookUpCredentials(let username, _, let hash):
            serverAction(server.credentialsLookedUp(accounts[hash]?[username] ?? .noSuchUser))
        case .authenticated(_, let success):
            success.write(into: &toClient, context: .clientStream)
            serverParser.reset()
        case .resume:
            // No session to resume in this pair.
            serverAction(server.resumptionFailed(StreamManagementElement.failed(.itemNotFound, h: nil).element))
        case .bindResource(let requested):
            switch bindResource(requested) {
            case .success(let jid): serverAction(server.resourceBound(jid))
            case .failure(let error): serverAction(server.resourceBindingFailed(error))
            }
        case .established(_, let result):
            result.write(into: &toClient, context: .clientStream)
        case .register(let request, _):
            // The client under test never registers; a server without accounts to make refuses.
            if let reply = request.errorReply(StanzaError.notAllowed(), includingOriginalPayload: false) {
                serverAction(server.registrationAnswered(reply))
            }
        case .refuseRegistration(let reply, _):
            reply.write(into: &toClient, context: .clientStream)
        case .stanza(let stanza):
            serverStanzas.append(stanza)
        case .nonza:
            break
        case .closeWithError(let error, let header):
            header?.write(into: &toClient)
            error.element.write(into: &toClient, context: .clientStream)
            StreamHeader.writeClose(into: &toClient)
        case .sendAndClose(let element):
            element.write(into: &toClient, context: .clientStream)
            StreamHeader.writeClose(into: &toClient)
        case .failAuthenticationAndClose(let failure, let error):
            failure.write(into: &toClient, context: .clientStream)
            error.element.write(into: &toClient, context: .clientStream)
            StreamHeader.writeClose(into: &toClient)
        case .closeStream:
            StreamHeader.writeClose(into: &toClient)
        case .wait:
            break
        }
    }
}

/// Shared fixtures for the client negotiation tests.
enum NegotiationFixtures {
    static let password = "r0m30myr0m30"
    static let serverBinding = ChannelBinding.tlsServerEndPoint(data: Array(repeating: 0xAB, count: 32))
    static let otherBinding = ChannelBinding.tlsServerEndPoint(data: Array(repeating: 0xCD, count: 32))

    /// juliet's keys for every hash.
    static let accounts: [SCRAMHash: [String: SASLCredentialLookup]] = {
        var result: [SCRAMHash: [String: SASLCredentialLookup]] = [:]
        for hash in SCRAMHash.allCases {
            let credentials = try! SCRAMCredentials.derive(password: password, hash: hash, iterations: 4096)
            result[hash] = ["juliet": .found(credentials)]
        }
        return result
    }()

    /// Binds the requested resource, or `generated` when none is requested.
    static func bind(_ requested: String?) -> Result<JID, StanzaError> {
        .success(try! JID("juliet@example.com/\(requested ?? "generated-4f2a")"))
    }

    static func server(
        tls: ServerNegotiationStateMachine.TLSMode = .required, allowed: [SASLMechanism] = SASLMechanism.allCases
    ) -> ServerNegotiationStateMachine.Configuration {
        .init(
            hostedDomains: ["example.com"], tls: tls, allowedMechanisms: allowed,
            unknownUserSecret: Array(repeating: 7, count: 32), iterations: 4096)
    }

    static func client(
        jid: String = "juliet@example.com/balcony", password: String = password,
        tls: ClientNegotiationStateMachine.TLSPolicy = .startTLS, allowed: [SASLMechanism] = SASLMechanism.allCases,
        channelBinding: ClientNegotiationStateMachine.ChannelBindingPolicy = .whenAdvertised
    ) -> ClientNegotiationStateMachine.Configuration {
        .init(jid: try! JID(jid), password: password, tls: tls, allowedMechanisms: allowed, channelBinding: channelBinding)
    }

    /// The features with XEP-0440's `<sasl-channel-binding/>` listing `types`, when they offer mechanisms.
    /// Our server advertises `tls-server-end-point` itself; these rewrites replace what it says.
    static func advertising(_ types: [String]) -> (StreamFeatures) -> XMPPElement {
        { features in
            var element = withoutAdvertisement(features)
            guard !features.mechanisms.isEmpty, !types.isEmpty else { return element }
            let namespace = ClientNegotiationStateMachine.channelBindingCapabilityNamespace
            var capability = XMPPElement("sasl-channel-binding", namespace: namespace)
            for type in types {
                capability.append(XMPPElement("channel-binding", namespace: namespace, attributes: [XMLAttribute("type", value: type)]))
            }
            element.append(capability)
            return element
        }
    }

    /// The features as a server that does not implement XEP-0440 sends them.
    static func withoutAdvertisement(_ features: StreamFeatures) -> XMPPElement {
        var element = features.element
        element.removeElements(named: "sasl-channel-binding", namespace: ClientNegotiationStateMachine.channelBindingCapabilityNamespace)
        return element
    }
}
