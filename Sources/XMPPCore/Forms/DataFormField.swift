/// One `<field/>` of a XEP-0004 data form (XEP-0004 §3.2).
public struct DataFormField: Sendable, Hashable {
    /// The field types of XEP-0004 §3.3.
    public enum FieldType: String, Sendable, Hashable, CaseIterable {
        /// An either-or choice; the default value is false.
        case boolean
        /// Display text such as a section header, not data.
        case fixed
        /// Not shown to the user but returned with the form.
        case hidden
        /// Several JIDs.
        case jidMulti = "jid-multi"
        /// One JID.
        case jidSingle = "jid-single"
        /// One or more of the options.
        case listMulti = "list-multi"
        /// One of the options.
        case listSingle = "list-single"
        /// Several lines of text, one `<value/>` per line.
        case textMulti = "text-multi"
        /// One line of text to be obscured (a password).
        case textPrivate = "text-private"
        /// One line of text; the default type.
        case textSingle = "text-single"

        /// True for the types that MAY carry more than one `<value/>` (XEP-0004 §3.2);
        /// all others MUST NOT.
        public var allowsMultipleValues: Bool {
            switch self {
            case .listMulti, .jidMulti, .textMulti, .hidden: true
            case .boolean, .fixed, .jidSingle, .listSingle, .textPrivate, .textSingle: false
            }
        }
    }

    /// One `<option/>` of a list field: a value and its human-readable label.
    public struct Option: Sendable, Hashable {
        /// The optional `label` attribute.
        public var label: String?
        /// The option's single `<value/>`.
        public var value: String

        /// Creates an option.
        public init(_ value: String, label: String? = nil) {
            self.value = value
            self.label = label
        }
    }

    /// The `var` attribute: the field's name, unique within the form. Required for every
    /// type except `fixed` (XEP-0004 §3.2).
    public var variable: String?
    /// The `type` attribute; `nil` when absent. XEP-0004 §3.3 says an absent or unknown type
    /// is `text-single`; see ``effectiveType``.
    public var type: FieldType?
    /// The human-readable `label` attribute.
    public var label: String?
    /// The natural-language description, `<desc/>`.
    public var desc: String?
    /// Whether the `<required/>` flag is present.
    public var isRequired: Bool
    /// The `<value/>` elements, in order.
    public var values: [String]
    /// The `<option/>` elements of a list field, in order.
    public var options: [Option]
    /// Child elements XEP-0004 does not define (XEP-0122 `<validate/>`, XEP-0221 `<media/>`),
    /// kept so a round trip loses nothing.
    public var extensions: [XMPPElement]

    /// Creates a field.
    public init(
        _ variable: String?, type: FieldType? = nil, label: String? = nil, desc: String? = nil,
        isRequired: Bool = false, values: [String] = [], options: [Option] = [], extensions: [XMPPElement] = []
    ) {
        self.variable = variable
        self.type = type
        self.label = label
        self.desc = desc
        self.isRequired = isRequired
        self.values = values
        self.options = options
        self.extensions = extensions
    }

    /// The type to apply: ``type``, or `text-single` when absent (XEP-0004 §3.3).
    public var effectiveType: FieldType { type ?? .textSingle }
}

// MARK: - Typed values

extension DataFormField {
    /// The first value; setting replaces all values with this one (`nil`: none).
    public var value: String? {
        get { values.first }
        set { values = newValue.map { [$0] } ?? [] }
    }

    /// The value read as a boolean (XEP-0004 §3.3, with XML Schema's lexical forms): "1" or
    /// "true" is true, "0" or "false" is false, no value is false (the default). Any other
    /// value gives `nil`. Setting writes "1" or "0"; `nil` removes the value.
    public var boolValue: Bool? {
        get {
            guard let value = values.first else { return false }
            return DataFormField.parseBoolean(value)
        }
        set { values = newValue.map { [$0 ? "1" : "0"] } ?? [] }
    }

    /// The values read as JIDs (for `jid-single` and `jid-multi`), in order, with duplicates
    /// ignored as XEP-0004 §3.3 requires for `jid-multi`. Throws for the first invalid one.
    public func jidValues() throws(JIDError) -> [JID] {
        var result: [JID] = []
        for value in values {
            let jid = try JID(value)
            if !result.contains(jid) { result.append(jid) }
        }
        return result
    }

    /// The lines of a `text-multi` field joined with newlines, as XEP-0004 §3.3 suggests for display.
    public var textValue: String { values.joined(separator: "\n") }

    /// Parses XML Schema's boolean lexical forms: "1" / "true" and "0" / "false".
    static func parseBoolean(_ value: String) -> Bool? {
        switch value.trimmingXMLWhitespace() {
        case "1", "true": true
        case "0", "false": false
        default: nil
        }
    }
}
