import Foundation
import SwiftASN1
import X509

extension ServerConfiguration {
    /// Problems with `[federation]`: a trusted CA file that cannot be read or
    /// holds no certificate, timeouts that are not positive, a stanza limit under
    /// RFC 6120's floor, a static route for a domain served here, an empty
    /// dialback secret.
    func validateFederation() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if let path = federation.trustedCAFile {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                if (try? PEMDocument.parseMultiple(pemString: text))?.isEmpty ?? true {
                    problems.append(ConfigProblem(
                        key: "federation.trusted_ca_file",
                        message: "Key 'federation.trusted_ca_file' names '\(path)', which holds no PEM certificate."
                    ))
                }
            } else {
                problems.append(ConfigProblem(
                    key: "federation.trusted_ca_file",
                    message: "Key 'federation.trusted_ca_file' names '\(path)', which cannot be read."
                ))
            }
        }
        for (key, value) in [("idle_timeout_seconds", federation.idleTimeoutSeconds), ("connect_timeout_seconds", federation.connectTimeoutSeconds)]
        where value <= 0 {
            problems.append(ConfigProblem(key: "federation.\(key)", message: "Key 'federation.\(key)' is \(value); give a number of seconds above 0."))
        }
        if federation.maxStanzaBytes < Self.minimumStanzaBytes {
            problems.append(ConfigProblem(
                key: "federation.max_stanza_bytes",
                message: "Key 'federation.max_stanza_bytes' is \(federation.maxStanzaBytes), below the \(Self.minimumStanzaBytes) bytes RFC 6120 §13.12 requires servers to accept."
            ))
        }
        for domain in federation.routes.keys.sorted() where domains.contains(domain) {
            problems.append(ConfigProblem(
                key: "federation.routes",
                message: "'federation.routes' has a route for '\(domain)', which this server serves itself; its stanzas never leave the server."
            ))
        }
        if federation.dialbackSecret?.isEmpty == true {
            problems.append(ConfigProblem(
                key: "federation.dialback_secret",
                message: "Key 'federation.dialback_secret' is empty; remove it to derive the secret from the server's own, or give a long random string."
            ))
        }
        return problems
    }
}
