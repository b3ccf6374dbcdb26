/// A configuration as read from its file (or the defaults), with every problem
/// found in it.
public struct ConfigurationLoadResult: Sendable {
    /// The configuration: the file's values where they could be read, the
    /// defaults elsewhere. Only meant to be used when `problems` is empty.
    public var configuration: ServerConfiguration
    /// Every problem found, in file order; empty when the server can start.
    public var problems: [ConfigProblem]
    /// The file read, or `nil` when there was none and the defaults apply.
    public var path: String?

    /// A result for `configuration` read from `path`, with `problems`.
    public init(configuration: ServerConfiguration, problems: [ConfigProblem], path: String?) {
        self.configuration = configuration
        self.problems = problems
        self.path = path
    }
}
