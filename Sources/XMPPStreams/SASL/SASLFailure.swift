/// A SASL `<failure/>`: the RFC 6120 §6.5 condition and optional human-readable
/// text (RFC 6120 §6.4.5).
///
/// The server machine returns one in ``SASLServerStateMachine/Action/sendFailure(_:)``;
/// the client receives one inside ``SASLError`` when the server refused it.
/// The text is for people and never carries SASL payloads or credentials.
public struct SASLFailure: Error, Sendable, Hashable {
    /// The defined condition.
    public var condition: SASLFailureCondition
    /// Optional descriptive text; `nil` sends no `<text/>` element.
    public var text: String?

    /// Creates a failure with a condition and optional text.
    public init(_ condition: SASLFailureCondition, text: String? = nil) {
        self.condition = condition
        self.text = text
    }
}

extension SASLFailure: CustomStringConvertible {
    /// The condition's wire name, then the text if any.
    public var description: String {
        if let text { return "\(condition.rawValue): \(text)" }
        return condition.rawValue
    }
}
