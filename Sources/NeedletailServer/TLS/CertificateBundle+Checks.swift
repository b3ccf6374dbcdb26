import Foundation
import X509

extension CertificateBundle {
    /// Every reason this bundle cannot serve `domain` at `now`: a key that is not
    /// the leaf's, a leaf outside its validity or not issued for the domain, and a
    /// chain whose certificates are not each issued by the next.
    func problems(domain: String, now: Date) -> [CertificateError] {
        var problems: [CertificateError] = []
        let certificatePath = files.certificateChainPath
        if privateKey.publicKey != leaf.publicKey {
            problems.append(CertificateError(
                .keyMismatch,
                "the private key in '\(files.privateKeyPath)' does not belong to the first certificate in '\(certificatePath)'"
            ))
        }
        if leaf.notValidAfter <= now {
            problems.append(CertificateError(
                .expired,
                "the certificate in '\(certificatePath)' expired on \(CertificateDates.format(leaf.notValidAfter))"
            ))
        } else if leaf.notValidBefore > now {
            problems.append(CertificateError(
                .notYetValid,
                "the certificate in '\(certificatePath)' is not valid before \(CertificateDates.format(leaf.notValidBefore))"
            ))
        }
        if !CertificateNames.covers(leaf, domain: domain) {
            let names = CertificateNames.names(of: leaf)
            let named = names.isEmpty ? "it names no domain" : "it is issued for \(ConfigWording.list(names.map { "'\($0)'" }))"
            problems.append(CertificateError(
                .domainNotCovered,
                "the certificate in '\(certificatePath)' does not cover '\(domain)': \(named)"
            ))
        }
        for index in chain.indices.dropLast() where chain[index].issuer != chain[index + 1].subject {
            problems.append(CertificateError(
                .chainOutOfOrder,
                "certificate \(index + 2) in '\(certificatePath)' did not issue certificate \(index + 1); put the server's certificate first, then each issuer in turn"
            ))
            break
        }
        return problems
    }
}
