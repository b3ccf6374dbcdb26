/// One thing wrong with a configuration, explained in a sentence that names the
/// key it is about, so `needletail check` can print it as it is.
///
/// The server refuses to start while a configuration has problems: a misspelt
/// key or an out-of-range limit silently replaced by its default would leave the
/// server running with settings nobody chose.
public struct ConfigProblem: Sendable, Hashable, CustomStringConvertible {
    /// The key the problem is about as a dotted path (`limits.max_stanza_bytes`,
    /// `listeners[2].port`, `tls.certificates."example.com".key`), or an empty
    /// string for the file as a whole.
    public var key: String
    /// A full sentence that names the key and says what is wrong and, where it can,
    /// what to do instead.
    public var message: String

    /// A problem with `key`, explained by `message`.
    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
