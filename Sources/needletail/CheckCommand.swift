import ArgumentParser
import NeedletailServer

/// `needletail check [--config path]`.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and its certificates, explaining each problem.",
        discussion: "Exits with status 1 when there is a problem."
    )

    @OptionGroup var options: ConfigurationOption

    func run() async throws {
        let result = ServerConfiguration.load(path: options.config)
        guard result.problems.isEmpty else {
            for problem in result.problems {
                print("- \(problem.message)")
            }
            print(result.problems.count == 1 ? "1 problem found." : "\(result.problems.count) problems found.")
            throw ExitCode.failure
        }
        print("Configuration OK")
        ConfigurationSummary.lines(for: result.configuration, path: result.path).forEach { print($0) }
    }
}
