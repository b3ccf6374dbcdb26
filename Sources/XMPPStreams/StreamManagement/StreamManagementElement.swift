import XMPPCore

/// The first-level elements of XEP-0198 stream management (`urn:xmpp:sm:3`),
/// read from the wire and made for it. Both sides use them: the server's c2s
/// driver and the client library.
public enum StreamManagementElement: Sendable, Hashable {
    /// `<enable/>`: turn acking on; `resume` asks for a resumable session,
    /// `max` is the client's preferred resumption time in seconds (§3).
    case enable(resume: Bool, max: Int?)
    /// `<enabled/>`: acking is on; `id` and `resume` when the session may be
    /// resumed, `max` the server's resumption time in seconds (§3).
    case enabled(id: String?, resume: Bool, max: Int?)
    /// `<resume/>`: resume the session `previd`, having handled `h` of its stanzas (§5).
    case resume(previd: String, h: UInt32)
    /// `<resumed/>`: the session `previd` goes on, the server having handled `h` (§5).
    case resumed(previd: String, h: UInt32)
    /// `<failed/>`: enabling or resuming failed with this stanza error condition;
    /// `h`, on a failed resumption, is what the server handled of the old session (§3, §5).
    case failed(StanzaError.Condition, h: UInt32?)
    /// `<r/>`: a request for an ack (§4).
    case request
    /// `<a h='…'/>`: the sender handled `h` stanzas in all (§4).
    case ack(h: UInt32)

    /// Reads a stream management element; nil for another namespace or name.
    /// Throws `bad-request` for one whose attributes are missing or malformed
    /// (an `<a/>` without `h`, a `<resume/>` without `previd`), which the
    /// caller answers as the XEP says for its kind.
    public init?(_ element: XMPPElement) throws(StanzaError) {
        guard element.namespace == Namespace.streamManagement else { return nil }
        switch element.name {
        case "enable":
            self = .enable(resume: Self.boolean(element[attribute: "resume"]), max: element[attribute: "max"].flatMap { Int($0) })
        case "enabled":
            self = .enabled(
                id: element[attribute: "id"], resume: Self.boolean(element[attribute: "resume"]),
                max: element[attribute: "max"].flatMap { Int($0) })
        case "resume", "resumed":
            guard let previd = element[attribute: "previd"], !previd.isEmpty else {
                throw StanzaError.badRequest("<\(element.name)/> needs a 'previd'")
            }
            let h = try Self.count(element)
            self = element.name == "resume" ? .resume(previd: previd, h: h) : .resumed(previd: previd, h: h)
        case "failed":
            let condition = element.elements.first { $0.namespace == Namespace.stanzaErrors }
                .flatMap { StanzaError.Condition(rawValue: $0.name) } ?? .undefinedCondition
            self = .failed(condition, h: element[attribute: "h"].flatMap { UInt32($0) })
        case "r":
            self = .request
        case "a":
            self = .ack(h: try Self.count(element))
        default:
            return nil
        }
    }

    /// The element to write.
    public var element: XMPPElement {
        let namespace = Namespace.streamManagement
        switch self {
        case .enable(let resume, let max):
            return XMPPElement("enable", namespace: namespace, attributes: Self.attributes([
                ("resume", resume ? "true" : nil), ("max", max.map(String.init)),
            ]))
        case .enabled(let id, let resume, let max):
            return XMPPElement("enabled", namespace: namespace, attributes: Self.attributes([
                ("id", id), ("resume", resume ? "true" : nil), ("max", max.map(String.init)),
            ]))
        case .resume(let previd, let h):
            return XMPPElement("resume", namespace: namespace, attributes: Self.attributes([("previd", previd), ("h", "\(h)")]))
        case .resumed(let previd, let h):
            return XMPPElement("resumed", namespace: namespace, attributes: Self.attributes([("previd", previd), ("h", "\(h)")]))
        case .failed(let condition, let h):
            var failed = XMPPElement("failed", namespace: namespace, attributes: Self.attributes([("h", h.map { "\($0)" })]))
            failed.append(XMPPElement(condition.rawValue, namespace: Namespace.stanzaErrors))
            return failed
        case .request:
            return XMPPElement("r", namespace: namespace)
        case .ack(let h):
            return XMPPElement("a", namespace: namespace, attributes: [XMLAttribute("h", value: "\(h)")])
        }
    }

    /// XML Schema's boolean, as XEP-0198 uses it ("true" or "1").
    private static func boolean(_ value: String?) -> Bool {
        value == "true" || value == "1"
    }

    /// The `h` attribute: an xs:unsignedInt, required.
    private static func count(_ element: XMPPElement) throws(StanzaError) -> UInt32 {
        guard let text = element[attribute: "h"], let h = UInt32(text) else {
            throw StanzaError.badRequest("<\(element.name)/> needs an 'h' between 0 and 4294967295")
        }
        return h
    }

    private static func attributes(_ pairs: [(String, String?)]) -> [XMLAttribute] {
        pairs.compactMap { name, value in value.map { XMLAttribute(name, value: $0) } }
    }
}
