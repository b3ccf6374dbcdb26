/// What `needletail cert show` reports for one domain.
public struct CertificateReport: Sendable, Hashable {
    /// The domain.
    public var domain: String
    /// The certificate the domain is served with, or `nil` when none could be
    /// read (see `problems`) or none exists yet (it is generated on first start).
    public var summary: CertificateSummary?
    /// Why the certificate cannot serve the domain now; empty when it can.
    public var problems: [CertificateError]

    /// A report on `domain`.
    public init(domain: String, summary: CertificateSummary?, problems: [CertificateError]) {
        self.domain = domain
        self.summary = summary
        self.problems = problems
    }
}
