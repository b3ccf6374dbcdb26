import ArgumentParser

/// `needletail cert`: the domains' TLS certificates.
struct CertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert",
        abstract: "Show, regenerate and import the domains' TLS certificates.",
        discussion: """
            A domain uses, in order: the files named in its [tls.certificates."domain"] table; a \
            certificate imported into <data>/certificates/; or a self-signed one generated there on \
            first start (and again when it expires).
            """,
        subcommands: [CertShowCommand.self, CertRegenerateCommand.self, CertImportCommand.self]
    )
}
