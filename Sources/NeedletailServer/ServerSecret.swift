import Foundation

/// A random secret kept in the data directory across restarts: what SASL derives
/// unknown users' fake salts from, so that they stay the same from one connection
/// (and one start) to the next and do not reveal that the account is missing.
enum ServerSecret {
    static let byteCount = 32

    /// Reads `<data>/server-secret`, creating it (owner-only) on first start.
    static func load(dataDirectory: String) throws -> [UInt8] {
        let path = dataDirectory + "/server-secret"
        let files = FileManager.default
        if let existing = files.contents(atPath: path), existing.count == byteCount {
            return Array(existing)
        }
        try files.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        guard files.createFile(atPath: path, contents: Data(secret), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        return secret
    }
}
