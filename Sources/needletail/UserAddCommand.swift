import ArgumentParser
import Foundation
import NeedletailServer
import NeedletailStorage

/// `needletail user add <jid>`.
struct UserAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create an account on one of the configured domains."
    )

    @OptionGroup var options: ConfigurationOption

    @Argument(help: "The account's address, user@domain; with --count, a pattern where %d is the account's number.")
    var jid: String

    @Option(help: ArgumentHelp(
        "Create this many accounts from the pattern, numbered from 1 (bench%d@example.com: bench1 to benchN), all with the same password.",
        discussion: "For load tests; the keys of each account are derived on every core at once."
    ))
    var count: Int?

    @Option(help: ArgumentHelp(
        "The password.",
        discussion: "Visible to other users of this machine in the process list; leave it out to type it at a prompt or send it on standard input."
    ))
    var password: String?

    func run() async throws {
        let configuration = try options.loadForAdministration()
        let (database, accounts) = try AccountDatabase.open(configuration)
        defer { try? database.close() }
        if let count {
            try await addMany(count, accounts: accounts)
            return
        }
        // The address is checked before the password is asked for.
        let account = try accounts.validatedAccount(jid)
        let password = try password ?? PasswordInput.read(confirm: true)
        try await accounts.add(jid, password: password)
        print("Created the account \(account).")
    }

    /// Accounts 1...`count` from the pattern; their keys are derived in parallel.
    private func addMany(_ count: Int, accounts: AccountAdministration) async throws {
        guard jid.contains("%d") else {
            throw CommandFailure("With --count, the address must be a pattern with %d where the number goes, such as 'bench%d@example.com'.")
        }
        guard count > 0 else { throw CommandFailure("--count must be at least 1.") }
        let addresses = (1...count).map { jid.replacingOccurrences(of: "%d", with: String($0)) }
        for address in [addresses.first!, addresses.last!] {
            _ = try accounts.validatedAccount(address)
        }
        let password = try password ?? PasswordInput.read(confirm: true)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for address in addresses {
                if running >= 8 {
                    try await group.next()
                    running -= 1
                }
                running += 1
                group.addTask { try await accounts.add(address, password: password) }
            }
            try await group.waitForAll()
        }
        print("Created \(count) accounts, \(addresses.first!) to \(addresses.last!).")
    }
}
