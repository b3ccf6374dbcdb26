import ArgumentParser

/// The `needletail` executable: the server, and the commands that administer it
/// offline (accounts, certificates, configuration checks). Wiring only; the
/// work is done in NeedletailServer.
@main
struct Needletail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "needletail",
        abstract: "An XMPP server.",
        discussion: """
            Without a configuration file the server serves 'localhost' with its built-in defaults. \
            'needletail.example.toml' documents every key of the file.
            """,
        subcommands: [ServeCommand.self, UserCommand.self, CertCommand.self, CheckCommand.self]
    )
}
