import ArgumentParser
import NeedletailServer
import NeedletailStorage

/// `needletail user passwd <jid>`.
struct UserPasswdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Change an account's password."
    )

    @OptionGroup var options: ConfigurationOption

    @Argument(help: "The account's address, user@domain.")
    var jid: String

    @Option(help: ArgumentHelp(
        "The new password.",
        discussion: "Visible to other users of this machine in the process list; leave it out to type it at a prompt or send it on standard input."
    ))
    var password: String?

    func run() async throws {
        let configuration = try options.loadForAdministration()
        let (database, accounts) = try AccountDatabase.open(configuration)
        defer { try? database.close() }
        let account = try accounts.validatedAccount(jid)
        let password = try password ?? PasswordInput.read(confirm: true)
        try await accounts.changePassword(jid, password: password)
        print("Changed the password of \(account).")
    }
}
