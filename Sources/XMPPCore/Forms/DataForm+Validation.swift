// MARK: - Validating a submission (XEP-0004 §3.2, §3.3, §4)

extension DataForm {
    /// One reason a submitted form does not satisfy its definition.
    public struct ValidationProblem: Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public enum Kind: Sendable, Hashable {
            /// The submission's type is not `submit`.
            case notASubmission(FormType)
            /// The submission's FORM_TYPE differs from the definition's (XEP-0068).
            case formTypeMismatch(expected: String, found: String)
            /// A field flagged `<required/>` is missing or has no non-empty value (XEP-0004 §3.2).
            case missingRequiredField
            /// A single-valued field has more than one value (XEP-0004 §3.2).
            case tooManyValues(Int)
            /// A list field's value is not one of its options (XEP-0004 §3.3: the submitter
            /// MUST NOT insert new options).
            case notAnOption(String)
            /// A boolean field's value is not "0", "1", "false" or "true" (XEP-0004 §3.3).
            case notABoolean(String)
            /// A JID field's value is not a valid JID (XEP-0004 §3.3).
            case notAJID(String)
        }

        /// The field's `var`; `nil` for problems with the form as a whole.
        public var field: String?
        /// What is wrong.
        public var kind: Kind

        /// Creates a problem.
        public init(field: String?, kind: Kind) {
            self.field = field
            self.kind = kind
        }

        /// A sentence naming the field and the problem, fit for a `<text/>` element.
        public var description: String {
            let subject = field.map { "field '\($0)'" } ?? "form"
            switch kind {
            case .notASubmission(let type):
                return "form: expected type submit, found \(type.rawValue)"
            case .formTypeMismatch(let expected, let found):
                return "form: FORM_TYPE is '\(found)', expected '\(expected)'"
            case .missingRequiredField:
                return "\(subject): is required"
            case .tooManyValues(let count):
                return "\(subject): takes one value, found \(count)"
            case .notAnOption(let value):
                return "\(subject): '\(value)' is not one of the options"
            case .notABoolean(let value):
                return "\(subject): '\(value)' is not a boolean (0, 1, false or true)"
            case .notAJID(let value):
                return "\(subject): '\(value)' is not a valid JID"
            }
        }
    }

    /// Checks this submitted form against `definition`, the form that was offered, and
    /// returns every problem in field order (empty when the submission is acceptable).
    ///
    /// The field types come from the definition, since submissions often omit them. Fields
    /// the definition does not have are ignored, as XEP-0004 §3.1 requires of a
    /// form-processing entity; `fixed` fields carry no data and are skipped.
    public func validationProblems(against definition: DataForm) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        if type != .submit {
            problems.append(ValidationProblem(field: nil, kind: .notASubmission(type)))
        }
        if let expected = definition.formType, let found = formType, expected != found {
            problems.append(ValidationProblem(field: nil, kind: .formTypeMismatch(expected: expected, found: found)))
        }
        for definedField in definition.fields {
            guard let variable = definedField.variable, definedField.effectiveType != .fixed else { continue }
            let submittedValues = self[variable]?.values ?? []
            if definedField.isRequired, submittedValues.allSatisfy(\.isEmpty) {
                problems.append(ValidationProblem(field: variable, kind: .missingRequiredField))
                continue
            }
            problems += DataForm.problems(in: submittedValues, of: variable, definedAs: definedField)
        }
        return problems
    }

    /// Checks the submitted form against `definition`; throws `not-acceptable`, the error
    /// XEP-0004 §4 names for invalid data, with every problem in its text.
    public func validate(against definition: DataForm) throws(StanzaError) {
        let problems = validationProblems(against: definition)
        guard problems.isEmpty else {
            throw .notAcceptable(problems.map(\.description).joined(separator: "; "))
        }
    }

    /// The problems with one field's submitted values, judged by its definition.
    private static func problems(
        in values: [String], of variable: String, definedAs definition: DataFormField
    ) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        let type = definition.effectiveType
        if !type.allowsMultipleValues, values.count > 1 {
            problems.append(ValidationProblem(field: variable, kind: .tooManyValues(values.count)))
        }
        // An empty <value/> in an optional field means "no value", not a bad one.
        let values = values.filter { !$0.isEmpty }
        switch type {
        case .listSingle, .listMulti:
            // A definition with no options cannot constrain the choice.
            guard !definition.options.isEmpty else { break }
            for value in values where !definition.options.contains(where: { $0.value == value }) {
                problems.append(ValidationProblem(field: variable, kind: .notAnOption(value)))
            }
        case .boolean:
            for value in values where DataFormField.parseBoolean(value) == nil {
                problems.append(ValidationProblem(field: variable, kind: .notABoolean(value)))
            }
        case .jidSingle, .jidMulti:
            for value in values where (try? JID(value)) == nil {
                problems.append(ValidationProblem(field: variable, kind: .notAJID(value)))
            }
        case .fixed, .hidden, .textMulti, .textPrivate, .textSingle:
            break
        }
        return problems
    }
}
