import ArgumentParser
import Foundation
import NeedletailServer

/// `needletail cert show [domain]`.
struct CertShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the certificate of each domain, or of one."
    )

    @OptionGroup var options: ConfigurationOption

    @Argument(help: "The domain; every configured domain when left out.")
    var domain: String?

    func run() async throws {
        let configuration = try options.loadForAdministration()
        let now = Date()
        let reports = try CertificateAdministration.show(configuration: configuration, domain: domain, now: now)
        for (index, report) in reports.enumerated() {
            if index > 0 { print("") }
            print(report.domain)
            if let summary = report.summary {
                CertificateDescription.lines(summary).forEach { print($0) }
            } else if report.problems.isEmpty {
                print("  no certificate yet; a self-signed one is generated on first start")
            }
            for problem in report.problems {
                let consequence = report.summary?.source == .generated
                    ? " A new self-signed certificate is generated on start."
                    : ""
                print("  problem: \(problem)\(consequence)")
            }
        }
    }
}
