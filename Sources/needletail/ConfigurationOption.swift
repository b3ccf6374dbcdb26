import ArgumentParser
import NeedletailServer

/// `--config`, shared by every command that reads the configuration.
struct ConfigurationOption: ParsableArguments {
    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "The configuration file.",
            discussion: "Default: ./needletail.toml when it exists, otherwise the built-in defaults.",
            valueName: "path"
        )
    )
    var config: String?

    /// The configuration for an administration command: the file must read
    /// cleanly (syntax, types, known keys), but its other problems (an expired
    /// certificate, say) must not stop the commands that fix them.
    func loadForAdministration() throws -> ServerConfiguration {
        let result = ServerConfiguration.load(path: config, validating: false)
        guard result.problems.isEmpty else {
            throw ConfigurationRefused(problems: result.problems)
        }
        return result.configuration
    }
}

/// A configuration with problems, refused; printed as the list of problems.
struct ConfigurationRefused: Error, CustomStringConvertible {
    let problems: [ConfigProblem]

    var description: String {
        let count = problems.count == 1 ? "a problem" : "\(problems.count) problems"
        return (["The configuration has \(count):"] + problems.map { "  - \($0.message)" }).joined(separator: "\n")
    }
}
