import ArgumentParser
import NeedletailServer

/// `needletail cert regenerate <domain>`.
struct CertRegenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regenerate",
        abstract: "Replace a domain's certificate in the data directory with a new self-signed one."
    )

    @OptionGroup var options: ConfigurationOption

    @Argument(help: "The domain.")
    var domain: String

    func run() async throws {
        let configuration = try options.loadForAdministration()
        let summary = try CertificateAdministration.regenerate(domain: domain, configuration: configuration)
        AuditLog.make(enabled: configuration.auditEnabled).adminAction("regenerated the certificate of \(summary.domain)")
        print("Generated a self-signed certificate for \(summary.domain); the server uses it from its next start.")
        CertificateDescription.lines(summary).forEach { print($0) }
        if let note = CertificateDescription.precedenceNote(domain: summary.domain, configuration: configuration) {
            print(note)
        }
    }
}
