import Testing
@testable import XMPPCore

@Suite("Data forms (XEP-0004)")
struct DataFormTests {
    /// The bot creation form of XEP-0004 §5.1, Example 2, built as a model.
    static let botForm = DataForm(
        type: .form,
        title: "Bot Configuration",
        instructions: ["Fill out this form to configure your new bot!"],
        fields: [
            DataFormField("FORM_TYPE", type: .hidden, values: ["jabber:bot"]),
            DataFormField(nil, type: .fixed, values: ["Section 1: Bot Info"]),
            DataFormField("botname", type: .textSingle, label: "The name of your bot"),
            DataFormField("description", type: .textMulti, label: "Helpful description of your bot"),
            DataFormField("public", type: .boolean, label: "Public bot?", isRequired: true),
            DataFormField("password", type: .textPrivate, label: "Password for special access"),
            DataFormField(
                "features", type: .listMulti, label: "What features will the bot support?",
                values: ["news", "search"],
                options: [
                    .init("contests", label: "Contests"), .init("news", label: "News"), .init("polls", label: "Polls"),
                    .init("reminders", label: "Reminders"), .init("search", label: "Search"),
                ]),
            DataFormField(
                "maxsubs", type: .listSingle, label: "Maximum number of subscribers", values: ["20"],
                options: [
                    .init("10", label: "10"), .init("20", label: "20"), .init("30", label: "30"),
                    .init("50", label: "50"), .init("100", label: "100"), .init("none", label: "None"),
                ]),
            DataFormField("invitelist", type: .jidMulti, label: "People to invite", desc: "Tell all your friends about your new bot!"),
        ])

    static func submission(_ fields: [DataFormField]) -> DataForm {
        DataForm(type: .submit, fields: [DataFormField("FORM_TYPE", type: .hidden, values: ["jabber:bot"])] + fields)
    }

    @Test func formRoundTrips() throws {
        let element = Self.botForm.element
        #expect(element.name == "x")
        #expect(element.namespace == Namespace.dataForms)
        #expect(element[attribute: "type"] == "form")
        #expect(try DataForm(element: element) == Self.botForm)
    }

    @Test func fieldWireForm() throws {
        let field = try #require(Self.botForm["maxsubs"]).element
        #expect(field[attribute: "var"] == "maxsubs")
        #expect(field[attribute: "type"] == "list-single")
        #expect(field[attribute: "label"] == "Maximum number of subscribers")
        #expect(field.childText("value", namespace: Namespace.dataForms) == "20")
        let options = field.elements(named: "option", namespace: Namespace.dataForms)
        #expect(options.count == 6)
        #expect(options.last?[attribute: "label"] == "None")
        #expect(options.last?.childText("value", namespace: Namespace.dataForms) == "none")
        let required = try #require(Self.botForm["public"]).element
        #expect(required.firstElement(named: "required", namespace: Namespace.dataForms) != nil)
    }

    @Test func resultWithReportedFieldsAndItemsRoundTrips() throws {
        let result = DataForm(
            type: .result, title: "Joogle Search: verona",
            reportedFields: [DataFormField("name"), DataFormField("url")],
            items: [
                [DataFormField("name", values: ["Comune di Verona"]), DataFormField("url", values: ["http://www.comune.verona.it/"])],
                [DataFormField("name", values: ["benvenuto!"]), DataFormField("url", values: ["http://www.hellasverona.it/"])],
            ])
        let element = result.element
        #expect(element.elements(named: "reported", namespace: Namespace.dataForms).count == 1)
        #expect(element.elements(named: "item", namespace: Namespace.dataForms).count == 2)
        #expect(try DataForm(element: element) == result)
    }

    @Test func unknownChildrenSurviveARoundTrip() throws {
        var element = Self.botForm.element
        element.append(XMPPElement("extra", namespace: "urn:example"))
        let form = try DataForm(element: element)
        #expect(form.extensions.map(\.name) == ["extra"])
        #expect(form.element == element)
    }

    @Test func formTypeIsTheHiddenFormTypeField() {
        #expect(Self.botForm.formType == "jabber:bot")
        var form = DataForm(type: .submit, fields: [DataFormField("x", values: ["1"])])
        #expect(form.formType == nil)
        form.formType = "urn:xmpp:mam:2"
        #expect(form.fields.first == DataFormField("FORM_TYPE", type: .hidden, values: ["urn:xmpp:mam:2"]))
        form.formType = nil
        #expect(form.fields.map(\.variable) == ["x"])
        // A FORM_TYPE field of another type is not the form type (XEP-0068).
        let visible = DataForm(type: .form, fields: [DataFormField("FORM_TYPE", type: .textSingle, values: ["y"])])
        #expect(visible.formType == nil)
    }

    @Test(arguments: [("1", true), ("true", true), ("0", false), ("false", false)] as [(String, Bool)])
    func booleanLexicalForms(text: String, value: Bool) {
        #expect(DataFormField("b", type: .boolean, values: [text]).boolValue == value)
    }

    @Test func booleanDefaultsToFalseAndRejectsOtherValues() {
        #expect(DataFormField("b", type: .boolean).boolValue == false)
        #expect(DataFormField("b", type: .boolean, values: ["yes"]).boolValue == nil)
        var field = DataFormField("b", type: .boolean)
        field.boolValue = true
        #expect(field.values == ["1"])
    }

    @Test func jidValuesDeduplicate() throws {
        let field = DataFormField("j", type: .jidMulti, values: ["juliet@capulet.com", "benvolio@montague.net", "juliet@capulet.com"])
        #expect(try field.jidValues().count == 2)
    }

    @Test func subscriptSetsAndRemovesFields() {
        var form = DataForm(type: .submit)
        form["a"] = DataFormField(nil, values: ["1"])
        #expect(form["a"]?.variable == "a")
        form["a"]?.value = "2"
        #expect(form["a"]?.values == ["2"])
        form["a"] = nil
        #expect(form.fields.isEmpty)
    }

    // MARK: Parsing errors

    @Test func rejectsMalformedForms() {
        #expect(throws: StanzaError.badRequest("expected <x xmlns='jabber:x:data'/>, found <query/>")) {
            try DataForm(element: XMPPElement("query", namespace: Namespace.dataForms))
        }
        #expect(throws: StanzaError.self) { try DataForm(element: XMPPElement("x", namespace: Namespace.dataForms)) }
        let badType = XMPPElement("x", namespace: Namespace.dataForms, attributes: [XMLAttribute("type", value: "draft")])
        #expect(throws: StanzaError.self) { try DataForm(element: badType) }
        let noVar = badType.setting("type", to: "form").appending(XMPPElement("field", namespace: Namespace.dataForms))
        #expect(throws: StanzaError.self) { try DataForm(element: noVar) }
        let emptyOption = badType.setting("type", to: "form").appending(
            XMPPElement("field", namespace: Namespace.dataForms, attributes: [XMLAttribute("var", value: "l")])
                .appending(XMPPElement("option", namespace: Namespace.dataForms)))
        #expect(throws: StanzaError.self) { try DataForm(element: emptyOption) }
    }

    @Test func fixedFieldMayLackVarAndUnknownTypeReadsAsTextSingle() throws {
        let element = XMPPElement("x", namespace: Namespace.dataForms, attributes: [XMLAttribute("type", value: "form")])
            .appending(XMPPElement("field", namespace: Namespace.dataForms, attributes: [XMLAttribute("type", value: "fixed")]))
            .appending(XMPPElement(
                "field", namespace: Namespace.dataForms,
                attributes: [XMLAttribute("var", value: "c"), XMLAttribute("type", value: "color")]))
        let form = try DataForm(element: element)
        #expect(form.fields[0].type == .fixed)
        #expect(form.fields[1].type == nil)
        #expect(form.fields[1].effectiveType == .textSingle)
    }

    // MARK: Validation of a submission

    @Test func validSubmissionPasses() throws {
        let submitted = Self.submission([
            DataFormField("botname", values: ["The Jabber Google Bot"]),
            DataFormField("public", values: ["0"]),
            DataFormField("features", values: ["news", "search"]),
            DataFormField("maxsubs", values: ["50"]),
            DataFormField("invitelist", values: ["juliet@capulet.com", "benvolio@montague.net"]),
            DataFormField("unknown-extra", values: ["ignored"]),
        ])
        #expect(submitted.validationProblems(against: Self.botForm).isEmpty)
        try submitted.validate(against: Self.botForm)
    }

    @Test func missingRequiredField() {
        let problems = Self.submission([DataFormField("botname", values: ["x"])]).validationProblems(against: Self.botForm)
        #expect(problems == [.init(field: "public", kind: .missingRequiredField)])
        #expect(problems.first?.description == "field 'public': is required")
        let empty = Self.submission([DataFormField("public", values: [""])]).validationProblems(against: Self.botForm)
        #expect(empty == [.init(field: "public", kind: .missingRequiredField)])
    }

    @Test func singleValuedFieldWithTwoValues() {
        let problems = Self.submission([
            DataFormField("public", values: ["1"]),
            DataFormField("botname", values: ["a", "b"]),
        ]).validationProblems(against: Self.botForm)
        #expect(problems == [.init(field: "botname", kind: .tooManyValues(2))])
    }

    @Test func listValuesMustBeOptions() {
        let problems = Self.submission([
            DataFormField("public", values: ["1"]),
            DataFormField("maxsubs", values: ["7"]),
            DataFormField("features", values: ["news", "weather"]),
        ]).validationProblems(against: Self.botForm)
        #expect(problems == [
            .init(field: "features", kind: .notAnOption("weather")),
            .init(field: "maxsubs", kind: .notAnOption("7")),
        ])
    }

    @Test func booleanAndJIDValuesAreChecked() {
        let problems = Self.submission([
            DataFormField("public", values: ["maybe"]),
            DataFormField("invitelist", values: ["@capulet.com"]),
        ]).validationProblems(against: Self.botForm)
        #expect(problems == [
            .init(field: "public", kind: .notABoolean("maybe")),
            .init(field: "invitelist", kind: .notAJID("@capulet.com")),
        ])
    }

    @Test func wrongFormTypeAndNonSubmission() {
        var submitted = Self.submission([DataFormField("public", values: ["1"])])
        submitted.formType = "jabber:other"
        submitted.type = .result
        let problems = submitted.validationProblems(against: Self.botForm)
        #expect(problems == [
            .init(field: nil, kind: .notASubmission(.result)),
            .init(field: nil, kind: .formTypeMismatch(expected: "jabber:bot", found: "jabber:other")),
        ])
    }

    @Test func validateThrowsNotAcceptableWithEveryProblem() {
        let submitted = Self.submission([DataFormField("maxsubs", values: ["7"])])
        do {
            try submitted.validate(against: Self.botForm)
            Issue.record("expected a validation error")
        } catch {
            #expect(error.condition == .notAcceptable)
            #expect(error.type == .modify)
            #expect(error.text == "field 'public': is required; field 'maxsubs': '7' is not one of the options")
        }
    }
}
