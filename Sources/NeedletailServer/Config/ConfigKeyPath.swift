/// Dotted key paths as they appear in problems: `limits.iterations`,
/// `listeners[2].port`, `tls.certificates."example.com".key`.
enum ConfigKeyPath {
    /// `key` inside the table at `path` (empty for the top level).
    static func join(_ path: String, _ key: String) -> String {
        let quoted = isBare(key) ? key : "\"\(key)\""
        return path.isEmpty ? quoted : "\(path).\(quoted)"
    }

    /// Whether TOML lets `key` stand unquoted (TOML 1.0 §Keys: `A-Za-z0-9_-`).
    private static func isBare(_ key: String) -> Bool {
        !key.isEmpty && key.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "A"..."Z", "a"..."z", "0"..."9", "_", "-": true
            default: false
            }
        }
    }
}
