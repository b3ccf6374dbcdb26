// MARK: - Wire form (XEP-0004 §3)

extension DataForm {
    /// Reads an `<x xmlns='jabber:x:data'/>` element.
    ///
    /// Throws `bad-request` (what a form-processing entity answers with) when the element is
    /// not a data form, the `type` attribute is missing or unknown, a field other than
    /// `fixed` lacks its `var` (XEP-0004 §3.2), or an option has no `<value/>`.
    public init(element: XMPPElement) throws(StanzaError) {
        guard element.name == "x", element.namespace == Namespace.dataForms else {
            throw .badRequest("expected <x xmlns='\(Namespace.dataForms)'/>, found <\(element.name)/>")
        }
        guard let rawType = element[attribute: "type"], let type = FormType(rawValue: rawType) else {
            let found = element[attribute: "type"] ?? ""
            throw .badRequest("data form type '\(found)' is not form, submit, cancel or result")
        }
        self.init(type: type)
        for child in element.elements {
            guard child.namespace == Namespace.dataForms else {
                extensions.append(child)
                continue
            }
            switch child.name {
            case "title":
                title = child.text
            case "instructions":
                instructions.append(child.text)
            case "field":
                fields.append(try DataFormField(element: child))
            case "reported":
                reportedFields = try DataForm.fields(in: child)
            case "item":
                items.append(try DataForm.fields(in: child))
            default:
                extensions.append(child)
            }
        }
    }

    /// The `<x xmlns='jabber:x:data'/>` element: title, instructions, fields, reported fields,
    /// items, then any extensions.
    public var element: XMPPElement {
        var x = XMPPElement("x", namespace: Namespace.dataForms)
        x[attribute: "type"] = type.rawValue
        if let title {
            x.append(XMPPElement("title", namespace: Namespace.dataForms, text: title))
        }
        for line in instructions {
            x.append(XMPPElement("instructions", namespace: Namespace.dataForms, text: line))
        }
        for field in fields {
            x.append(field.element)
        }
        if !reportedFields.isEmpty {
            let children = reportedFields.map { XMPPNode.element($0.element) }
            x.append(XMPPElement("reported", namespace: Namespace.dataForms, children: children))
        }
        for item in items {
            x.append(XMPPElement("item", namespace: Namespace.dataForms, children: item.map { .element($0.element) }))
        }
        for extensionElement in extensions {
            x.append(extensionElement)
        }
        return x
    }

    /// The `<field/>` children of a `<reported/>` or `<item/>`.
    private static func fields(in container: XMPPElement) throws(StanzaError) -> [DataFormField] {
        var result: [DataFormField] = []
        for child in container.elements(named: "field", namespace: Namespace.dataForms) {
            result.append(try DataFormField(element: child))
        }
        return result
    }
}

extension DataFormField {
    /// Reads a `<field/>` element (XEP-0004 §3.2). An unknown `type` reads as absent, which
    /// XEP-0004 §3.3 says MUST be treated as `text-single`.
    public init(element: XMPPElement) throws(StanzaError) {
        guard element.name == "field", element.namespace == Namespace.dataForms else {
            throw .badRequest("expected a data form <field/>, found <\(element.name)/>")
        }
        let type = element[attribute: "type"].flatMap(FieldType.init(rawValue:))
        let variable = element[attribute: "var"]
        if variable == nil, type != .fixed {
            throw .badRequest("a data form field of type \((type ?? .textSingle).rawValue) must have a 'var'")
        }
        self.init(variable, type: type, label: element[attribute: "label"])
        for child in element.elements {
            guard child.namespace == Namespace.dataForms else {
                extensions.append(child)
                continue
            }
            switch child.name {
            case "desc":
                desc = child.text
            case "required":
                isRequired = true
            case "value":
                values.append(child.text)
            case "option":
                guard let value = child.childText("value", namespace: Namespace.dataForms) else {
                    throw .badRequest("option of field '\(variable ?? "")' has no value")
                }
                options.append(Option(value, label: child[attribute: "label"]))
            default:
                extensions.append(child)
            }
        }
    }

    /// The `<field/>` element: `var`, `type`, `label`, then desc, required, values, options and
    /// any extensions, in the order of the XEP-0004 schema.
    public var element: XMPPElement {
        var field = XMPPElement("field", namespace: Namespace.dataForms)
        field[attribute: "var"] = variable
        field[attribute: "type"] = type?.rawValue
        field[attribute: "label"] = label
        if let desc {
            field.append(XMPPElement("desc", namespace: Namespace.dataForms, text: desc))
        }
        if isRequired {
            field.append(XMPPElement("required", namespace: Namespace.dataForms))
        }
        for value in values {
            field.append(XMPPElement("value", namespace: Namespace.dataForms, text: value))
        }
        for option in options {
            var optionElement = XMPPElement("option", namespace: Namespace.dataForms)
            optionElement[attribute: "label"] = option.label
            optionElement.append(XMPPElement("value", namespace: Namespace.dataForms, text: option.value))
            field.append(optionElement)
        }
        for extensionElement in extensions {
            field.append(extensionElement)
        }
        return field
    }
}
