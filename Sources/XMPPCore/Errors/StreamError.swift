/// A stream-level error (RFC 6120 §4.9): unrecoverable, it closes the stream.
///
/// The parser throws these for malformed or forbidden input, negotiation raises
/// them for protocol violations, and the server sends them as `<stream:error/>`
/// before closing.
public struct StreamError: Error, Sendable, Hashable {
    /// The defined conditions of RFC 6120 §4.9.3, named as the RFC names them.
    public enum Condition: String, Sendable, Hashable, CaseIterable {
        case badFormat = "bad-format"                           // §4.9.3.1
        case badNamespacePrefix = "bad-namespace-prefix"        // §4.9.3.2
        case conflict = "conflict"                              // §4.9.3.3
        case connectionTimeout = "connection-timeout"           // §4.9.3.4
        case hostGone = "host-gone"                             // §4.9.3.5
        case hostUnknown = "host-unknown"                       // §4.9.3.6
        case improperAddressing = "improper-addressing"         // §4.9.3.7
        case internalServerError = "internal-server-error"      // §4.9.3.8
        case invalidFrom = "invalid-from"                       // §4.9.3.9
        case invalidNamespace = "invalid-namespace"             // §4.9.3.10
        case invalidXML = "invalid-xml"                         // §4.9.3.11
        case notAuthorized = "not-authorized"                   // §4.9.3.12
        case notWellFormed = "not-well-formed"                  // §4.9.3.13
        case policyViolation = "policy-violation"               // §4.9.3.14
        case remoteConnectionFailed = "remote-connection-failed" // §4.9.3.15
        case reset = "reset"                                    // §4.9.3.16
        case resourceConstraint = "resource-constraint"         // §4.9.3.17
        case restrictedXML = "restricted-xml"                   // §4.9.3.18
        case seeOtherHost = "see-other-host"                    // §4.9.3.19
        case systemShutdown = "system-shutdown"                 // §4.9.3.20
        case undefinedCondition = "undefined-condition"         // §4.9.3.21
        case unsupportedEncoding = "unsupported-encoding"       // §4.9.3.22
        case unsupportedFeature = "unsupported-feature"         // §4.9.3.23
        case unsupportedStanzaType = "unsupported-stanza-type"  // §4.9.3.24
        case unsupportedVersion = "unsupported-version"         // §4.9.3.25
    }

    /// The defined condition.
    public var condition: Condition
    /// Human-readable text (RFC 6120 §4.9.2), sent in a `<text/>` child; optional.
    public var text: String?
    /// For `see-other-host`, the host (and port) to reconnect to (§4.9.3.19), sent as the condition's content.
    public var otherHost: String?
    /// An application-specific condition element (§4.9.4), sent after the text.
    public var applicationCondition: XMPPElement?

    /// Creates a stream error.
    public init(_ condition: Condition, text: String? = nil, otherHost: String? = nil, applicationCondition: XMPPElement? = nil) {
        self.condition = condition
        self.text = text
        self.otherHost = otherHost
        self.applicationCondition = applicationCondition
    }
}

extension StreamError: CustomStringConvertible {
    public var description: String {
        if let text { return "\(condition.rawValue): \(text)" }
        return condition.rawValue
    }
}

// Cold-path constructors: one per condition the parser raises, kept out of line.
extension StreamError {
    @inline(never)
    public static func notWellFormed(_ text: String) -> StreamError { StreamError(.notWellFormed, text: text) }
    @inline(never)
    public static func restrictedXML(_ text: String) -> StreamError { StreamError(.restrictedXML, text: text) }
    @inline(never)
    public static func policyViolation(_ text: String) -> StreamError { StreamError(.policyViolation, text: text) }
    @inline(never)
    public static func badFormat(_ text: String) -> StreamError { StreamError(.badFormat, text: text) }
    @inline(never)
    public static func invalidNamespace(_ text: String) -> StreamError { StreamError(.invalidNamespace, text: text) }
    @inline(never)
    public static func badNamespacePrefix(_ text: String) -> StreamError { StreamError(.badNamespacePrefix, text: text) }
    @inline(never)
    public static func unsupportedEncoding(_ text: String) -> StreamError { StreamError(.unsupportedEncoding, text: text) }
}

// MARK: - Wire form

extension StreamError {
    /// The `<stream:error/>` element (RFC 6120 §4.9.2): condition, optional text, optional application condition.
    public var element: XMPPElement {
        var error = XMPPElement("error", namespace: Namespace.stream)
        error.append(XMPPElement(condition.rawValue, namespace: Namespace.streamErrors, text: otherHost ?? ""))
        if let text {
            error.append(XMPPElement(
                "text", namespace: Namespace.streamErrors,
                attributes: [XMLAttribute("lang", namespace: Namespace.xml, value: "en")], text: text))
        }
        if let applicationCondition {
            error.append(applicationCondition)
        }
        return error
    }

    /// Reads a received `<stream:error/>`. An unknown condition reads as `undefined-condition`
    /// (RFC 6120 §4.9.3.21), so a peer's newer vocabulary is never lost as a crash.
    public init?(element: XMPPElement) {
        guard element.name == "error", element.namespace == Namespace.stream else { return nil }
        var condition = Condition.undefinedCondition
        var otherHost: String?
        var text: String?
        var application: XMPPElement?
        for child in element.elements {
            if child.namespace == Namespace.streamErrors {
                if child.name == "text" {
                    text = child.text
                } else if let known = Condition(rawValue: child.name) {
                    condition = known
                    if known == .seeOtherHost { otherHost = child.text }
                }
            } else {
                application = child
            }
        }
        self.init(condition, text: text, otherHost: otherHost, applicationCondition: application)
    }
}
