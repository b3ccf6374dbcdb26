import NIOCore
import XMPPCore
import XMPPStreams

/// The server end of an in-memory connection: our ``ServerNegotiationStateMachine``
/// behind a parser and a serializer, answering one account (juliet, password
/// ``password``) and binding the requested resource. It stops at STARTTLS
/// (`<proceed/>` is sent, no TLS follows).
struct ScriptedServer {
    static let password = "r0m30myr0m30"
    static let credentials: [SCRAMHash: SCRAMCredentials] = {
        var result: [SCRAMHash: SCRAMCredentials] = [:]
        for hash in SCRAMHash.allCases {
            result[hash] = try! SCRAMCredentials.derive(password: password, hash: hash, iterations: 4096)
        }
        return result
    }()

    var machine: ServerNegotiationStateMachine
    var parser = XMLStreamParser(mode: .stream)
    /// Every element the server received, in order.
    var received: [XMPPElement] = []
    /// Whether `<proceed/>` has been sent.
    var proceeded = false
    /// What the client sent after `<proceed/>`: TLS records, not XML.
    var afterProceed: [UInt8] = []
    private var streams = 0

    init(tls: ServerNegotiationStateMachine.TLSMode) {
        machine = ServerNegotiationStateMachine(configuration: .init(
            hostedDomains: ["example.com"], tls: tls, unknownUserSecret: Array(repeating: 1, count: 32), iterations: 4096))
    }

    /// Reads what the client wrote and returns what the server writes back.
    mutating func receive(_ bytes: ByteBuffer) -> ByteBuffer {
        var out = ByteBuffer()
        guard !proceeded else {
            afterProceed += bytes.readableBytesView
            return out
        }
        parser.append(bytes)
        while !machine.isClosed {
            let event: XMLStreamParser.Event?
            do {
                event = try parser.next()
            } catch {
                perform(machine.parseFailed(error, streamID: "error"), into: &out)
                break
            }
            guard let event else { break }
            switch event {
            case .streamOpened(let header):
                streams += 1
                perform(machine.streamHeaderReceived(header, streamID: "stream-\(streams)"), into: &out)
            case .element(let element):
                received.append(element)
                perform(machine.elementReceived(element), into: &out)
            case .streamClosed:
                perform(machine.streamClosed(), into: &out)
            }
        }
        return out
    }

    private mutating func perform(_ action: ServerNegotiationStateMachine.Action, into out: inout ByteBuffer) {
        switch action {
        case .sendHeaderAndFeatures(let header, let features):
            header.write(into: &out)
            features.element.write(into: &out, context: .clientStream)
        case .send(let element), .established(_, let element), .refuseRegistration(let element, _):
            element.write(into: &out, context: .clientStream)
        case .startTLS:
            XMPPElement("proceed", namespace: Namespace.tls).write(into: &out, context: .clientStream)
            proceeded = true
        case .lookUpCredentials(let username, _, let hash):
            let lookup: SASLCredentialLookup = username == "juliet" ? .found(Self.credentials[hash]!) : .noSuchUser
            perform(machine.credentialsLookedUp(lookup), into: &out)
        case .authenticated(_, let success):
            success.write(into: &out, context: .clientStream)
            parser.reset()
        case .bindResource(let requested):
            perform(machine.resourceBound(try! JID("juliet@example.com/\(requested ?? "generated")")), into: &out)
        case .resume:
            perform(machine.resumptionFailed(StreamManagementElement.failed(.itemNotFound, h: nil).element), into: &out)
        case .stanza, .nonza, .register, .wait:
            break
        case .closeWithError(let error, let header):
            header?.write(into: &out)
            error.element.write(into: &out, context: .clientStream)
            StreamHeader.writeClose(into: &out)
        case .sendAndClose(let element), .failAuthenticationAndClose(let element, _):
            element.write(into: &out, context: .clientStream)
            StreamHeader.writeClose(into: &out)
        case .closeStream:
            StreamHeader.writeClose(into: &out)
        }
    }
}
