/// The namespace declarations in force at the parser's position (XML Namespaces 1.0 §6):
/// a default namespace and prefix bindings per open element, innermost last.
struct NamespaceScope {
    private var bindings: [NamespaceBinding] = []
    private var defaults: [String] = [""]
    private var marks: [Int] = []

    /// The default namespace of the innermost open element.
    var defaultNamespace: String { defaults[defaults.count - 1] }

    /// Opens an element's scope, inheriting the enclosing default namespace.
    mutating func push() {
        marks.append(bindings.count)
        defaults.append(defaults[defaults.count - 1])
    }

    /// Sets the innermost scope's default namespace (an `xmlns` declaration; empty undeclares).
    mutating func declareDefault(_ namespace: String) {
        defaults[defaults.count - 1] = namespace
    }

    /// Adds an `xmlns:prefix` binding to the innermost scope.
    mutating func bind(_ prefix: String, to namespace: String) {
        bindings.append(NamespaceBinding(prefix: prefix, namespace: namespace))
    }

    /// The prefix bindings the innermost open element declared.
    var innermostBindings: ArraySlice<NamespaceBinding> {
        bindings[(marks.last ?? 0)...]
    }

    /// Closes the innermost scope.
    mutating func pop() {
        guard let mark = marks.popLast() else { return }
        bindings.removeSubrange(mark...)
        defaults.removeLast()
    }

    /// The namespace a prefix is bound to; `xml` is bound by definition (XML Namespaces §3).
    func resolve(prefix: UnsafeRawBufferPointer) -> String? {
        for binding in bindings.reversed() where prefix.bytesEqual(binding.prefix) {
            return binding.namespace
        }
        if prefix.bytesEqual("xml") { return Namespace.xml }
        return nil
    }

    /// Forgets everything: a stream restart (RFC 6120 §4.3.3).
    mutating func reset() {
        bindings.removeAll(keepingCapacity: true)
        defaults.removeAll(keepingCapacity: true)
        defaults.append("")
        marks.removeAll(keepingCapacity: true)
    }
}
