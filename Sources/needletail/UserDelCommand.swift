import ArgumentParser
import NeedletailServer
import NeedletailStorage

/// `needletail user del <jid>`.
struct UserDelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "del",
        abstract: "Delete an account and everything stored for it."
    )

    @OptionGroup var options: ConfigurationOption

    @Argument(help: "The account's address, user@domain.")
    var jid: String

    func run() async throws {
        let configuration = try options.loadForAdministration()
        let (database, accounts) = try AccountDatabase.open(configuration)
        defer { try? database.close() }
        let account = try await accounts.delete(jid)
        print("Deleted the account \(account).")
    }
}
