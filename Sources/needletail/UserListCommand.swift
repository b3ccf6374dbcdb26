import ArgumentParser
import NeedletailServer
import NeedletailStorage

/// `needletail user list [--domain d]`.
struct UserListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the accounts, one address a line."
    )

    @OptionGroup var options: ConfigurationOption

    @Option(help: "Only the accounts of this domain.")
    var domain: String?

    func run() async throws {
        let configuration = try options.loadForAdministration()
        let (database, accounts) = try AccountDatabase.open(configuration)
        defer { try? database.close() }
        for account in try await accounts.list(domain: domain) {
            print(account)
        }
    }
}
