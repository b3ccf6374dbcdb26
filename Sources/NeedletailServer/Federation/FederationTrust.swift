import Foundation
import SwiftASN1
import X509

/// The roots peer servers' certificates are checked against (RFC 6120
/// §13.7.2.1): the system's, plus a configured CA bundle (a private
/// federation, or the test CA of the interop run).
enum FederationTrust {
    static func roots(caFile: String?) throws -> CertificateStore {
        var roots = CertificateStore.systemTrustRoots
        guard let caFile else { return roots }
        let text = try String(contentsOfFile: caFile, encoding: .utf8)
        let certificates = try PEMDocument.parseMultiple(pemString: text).map { try Certificate(pemDocument: $0) }
        roots.append(contentsOf: certificates)
        return roots
    }
}
