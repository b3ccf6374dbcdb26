/// A XEP-0004 data form, `<x xmlns='jabber:x:data'/>`: a form to fill in, its
/// submission, a cancellation, or a result (possibly a table of items).
///
/// Used by many later features (MUC configuration, ad-hoc commands, MAM queries,
/// disco extended information), so it is a plain value with a lossless round trip
/// through ``init(element:)`` and ``element``.
public struct DataForm: Sendable, Hashable {
    /// The form types of XEP-0004 §3.1.
    public enum FormType: String, Sendable, Hashable, CaseIterable {
        /// The form-processing entity asks the form-submitting entity to complete a form.
        case form
        /// The form-submitting entity submits data.
        case submit
        /// The form-submitting entity cancels the submission.
        case cancel
        /// The form-processing entity returns data (for example search results).
        case result
    }

    /// The form type: the required `type` attribute.
    public var type: FormType
    /// The optional `<title/>`.
    public var title: String?
    /// The `<instructions/>` elements, in order; XEP-0004 §3 allows several.
    public var instructions: [String]
    /// The fields, in order; XEP-0004 §3.2 says the order SHOULD be the presentation order.
    public var fields: [DataFormField]
    /// The `<reported/>` fields of a result: the table header of XEP-0004 §3.4. Empty means no
    /// `<reported/>` element.
    public var reportedFields: [DataFormField]
    /// The `<item/>` rows of a result, each a list of fields (XEP-0004 §3.4).
    public var items: [[DataFormField]]
    /// Child elements XEP-0004 does not define, kept so a round trip loses nothing.
    public var extensions: [XMPPElement]

    /// Creates a form.
    public init(
        type: FormType, title: String? = nil, instructions: [String] = [], fields: [DataFormField] = [],
        reportedFields: [DataFormField] = [], items: [[DataFormField]] = [], extensions: [XMPPElement] = []
    ) {
        self.type = type
        self.title = title
        self.instructions = instructions
        self.fields = fields
        self.reportedFields = reportedFields
        self.items = items
        self.extensions = extensions
    }
}

extension DataForm {
    /// The `var` of the field that names the form's type (XEP-0068 §2).
    public static let formTypeVariable = "FORM_TYPE"

    /// The first field whose `var` is `variable`; setting replaces it (or appends), `nil` removes it.
    public subscript(variable: String) -> DataFormField? {
        get { fields.first { $0.variable == variable } }
        set {
            let index = fields.firstIndex { $0.variable == variable }
            switch (index, newValue) {
            case (let index?, var field?):
                field.variable = variable
                fields[index] = field
            case (let index?, nil):
                fields.remove(at: index)
            case (nil, var field?):
                field.variable = variable
                fields.append(field)
            case (nil, nil):
                break
            }
        }
    }

    /// The form's FORM_TYPE (XEP-0068 §2): the value of the field `FORM_TYPE`, which is of type
    /// `hidden` (or has no type, as in submissions). Setting writes it as the first field, as a
    /// hidden field; `nil` removes it.
    public var formType: String? {
        get {
            guard let field = self[DataForm.formTypeVariable], field.type == nil || field.type == .hidden else {
                return nil
            }
            return field.values.first
        }
        set {
            fields.removeAll { $0.variable == DataForm.formTypeVariable }
            if let newValue {
                fields.insert(DataFormField(DataForm.formTypeVariable, type: .hidden, values: [newValue]), at: 0)
            }
        }
    }
}
