import ArgumentParser
import NeedletailServer
import NeedletailStorage

/// `needletail user add <jid>`.
struct UserAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create an account on one of the configured domains."
    )

    @OptionGroup var options: ConfigurationOption

    @Argument(help: "The account's address, user@domain.")
    var jid: String

    @Option(help: ArgumentHelp(
        "The password.",
        discussion: "Visible to other users of this machine in the process list; leave it out to type it at a prompt or send it on standard input."
    ))
    var password: String?

    func run() async throws {
        let configuration = try options.loadForAdministration()
        let (database, accounts) = try AccountDatabase.open(configuration)
        defer { try? database.close() }
        // The address is checked before the password is asked for.
        let account = try accounts.validatedAccount(jid)
        let password = try password ?? PasswordInput.read(confirm: true)
        try await accounts.add(jid, password: password)
        print("Created the account \(account).")
    }
}
