import Foundation

extension ServerConfiguration {
    /// The file read when no path is given, if it exists: `needletail.toml` in
    /// the working directory.
    public static let defaultConfigurationPath = "./needletail.toml"

    /// Reads and validates the configuration file at `path`, or at
    /// ``defaultConfigurationPath`` when `path` is `nil`; with no path and no
    /// default file, the defaults, validated.
    ///
    /// With `validating` false only the file itself is checked (syntax, types,
    /// unknown keys, names): the administration commands use that, so that
    /// `needletail cert import` can replace the expired certificate that
    /// `validate(now:)` would complain about.
    ///
    /// Never throws: a missing or unreadable file, TOML syntax errors, unknown
    /// keys and invalid values all come back as problems, so `needletail check`
    /// can list them together. Relative paths in the file (data directory,
    /// certificates) are relative to the working directory, as the server sees
    /// them.
    public static func load(path: String?, validating: Bool = true, now: Date = Date()) -> ConfigurationLoadResult {
        let chosenPath: String
        if let path {
            chosenPath = path
        } else if FileManager.default.fileExists(atPath: defaultConfigurationPath) {
            chosenPath = defaultConfigurationPath
        } else {
            let configuration = ServerConfiguration()
            return ConfigurationLoadResult(configuration: configuration, problems: validating ? configuration.validate(now: now) : [], path: nil)
        }
        let text: String
        do {
            text = try readText(chosenPath)
        } catch {
            return ConfigurationLoadResult(configuration: ServerConfiguration(), problems: [error.problem], path: chosenPath)
        }
        var (configuration, problems, isTOML) = ConfigurationDecoder.decode(text, source: "The configuration file '\(chosenPath)'")
        // A file that is not TOML leaves only defaults, whose problems are not the file's.
        if isTOML, validating {
            problems += configuration.validate(now: now)
        }
        return ConfigurationLoadResult(configuration: configuration, problems: problems, path: chosenPath)
    }

    /// The configuration a TOML document describes, and the problems met reading
    /// it (syntax, types, unknown keys, values that name nothing); `validate(now:)`
    /// is not applied. `source` names the document in the syntax error sentence.
    public static func decode(toml: String, source: String = "The configuration") -> ConfigurationLoadResult {
        let (configuration, problems, _) = ConfigurationDecoder.decode(toml, source: source)
        return ConfigurationLoadResult(configuration: configuration, problems: problems, path: nil)
    }

    private static func readText(_ path: String) throws(UnreadableFile) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw UnreadableFile(problem: ConfigProblem(key: "", message: "The configuration file '\(path)' does not exist."))
        }
        guard !isDirectory.boolValue else {
            throw UnreadableFile(problem: ConfigProblem(key: "", message: "The configuration file '\(path)' is a directory, not a file."))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UnreadableFile(problem: ConfigProblem(key: "", message: "The configuration file '\(path)' cannot be read; check its permissions."))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw UnreadableFile(problem: ConfigProblem(key: "", message: "The configuration file '\(path)' is not UTF-8 text, which TOML requires."))
        }
        return text
    }
}

/// A configuration file that could not be read, as the problem to report.
private struct UnreadableFile: Error {
    let problem: ConfigProblem
}
