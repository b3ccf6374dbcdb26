import ArgumentParser

/// `needletail user`: accounts, stored as SCRAM credentials.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Add, change, delete and list accounts.",
        discussion: """
            Accounts are stored as SCRAM credentials (salt, iteration count, StoredKey and ServerKey \
            for SHA-1, SHA-256 and SHA-512), never as a password. These commands open the database \
            directly and can run while the server does.
            """,
        subcommands: [UserAddCommand.self, UserPasswdCommand.self, UserDelCommand.self, UserListCommand.self]
    )
}
