import ArgumentParser
import NeedletailServer

/// `needletail cert import <domain> --certificate chain.pem --key key.pem`.
struct CertImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Copy a certificate chain and its key into the data directory for a domain.",
        discussion: """
            The chain and key are checked first: the key must be the certificate's, the certificate \
            valid now and issued for the domain, and the chain in order (the server's certificate \
            first). The copies go to <data>/certificates/<domain>.crt and .key (mode 0600), where the \
            server finds them from its next start with no change to the configuration, and never \
            replaces them.
            """
    )

    @OptionGroup var options: ConfigurationOption

    @Argument(help: "The domain.")
    var domain: String

    @Option(help: ArgumentHelp("The PEM certificate chain, the server's certificate first.", valueName: "path"))
    var certificate: String

    @Option(help: ArgumentHelp("The PEM private key.", valueName: "path"))
    var key: String

    func run() async throws {
        let configuration = try options.loadForAdministration()
        let summary = try CertificateAdministration.importCertificate(
            domain: domain,
            certificatePath: certificate,
            keyPath: key,
            configuration: configuration
        )
        AuditLog.make(enabled: configuration.auditEnabled).adminAction("imported a certificate for \(summary.domain) from \(certificate)")
        print("Imported the certificate for \(summary.domain); the server uses it from its next start.")
        CertificateDescription.lines(summary).forEach { print($0) }
        if let note = CertificateDescription.precedenceNote(domain: summary.domain, configuration: configuration) {
            print(note)
        }
    }
}
