import Foundation
import Testing
@testable import NeedletailServer

/// `ServerConfiguration.load(path:)`: files that are missing, unreadable or not
/// TOML, and decoding and validation together.
@Suite("Configuration loading")
struct ConfigLoadingTests {
    @Test("A file is decoded and validated, and its path kept")
    func loadsFile() throws {
        let directory = try ConfigFixtures.Directory()
        let path = try directory.write("needletail.toml", """
            domains = ["example.com", "example.org"]
            [storage]
            data_directory = "\(directory.file("data"))"
            [authentication]
            iterations = 100
            """)
        let result = ServerConfiguration.load(path: path)
        #expect(result.path == path)
        #expect(result.configuration.domains == ["example.com", "example.org"])
        #expect(result.problems.map(\.key) == ["authentication.iterations"])
    }

    @Test("Without validation only the file's own problems are reported")
    func withoutValidation() throws {
        let directory = try ConfigFixtures.Directory()
        let path = try directory.write("needletail.toml", "log_levl = \"info\"\n[authentication]\niterations = 100\n")
        let result = ServerConfiguration.load(path: path, validating: false)
        #expect(result.problems.map(\.key) == ["log_levl"])
    }

    @Test("A file that does not exist")
    func missingFile() throws {
        let directory = try ConfigFixtures.Directory()
        let path = directory.file("absent.toml")
        let result = ServerConfiguration.load(path: path)
        #expect(result.problems == [ConfigProblem(key: "", message: "The configuration file '\(path)' does not exist.")])
    }

    @Test("A directory instead of a file")
    func directoryInsteadOfFile() throws {
        let directory = try ConfigFixtures.Directory()
        let result = ServerConfiguration.load(path: directory.path)
        #expect(result.problems == [ConfigProblem(key: "", message: "The configuration file '\(directory.path)' is a directory, not a file.")])
    }

    @Test("A file that is not UTF-8")
    func notUTF8() throws {
        let directory = try ConfigFixtures.Directory()
        let path = directory.file("latin1.toml")
        #expect(FileManager.default.createFile(atPath: path, contents: Data([0x64, 0x3D, 0x22, 0xE9, 0xFF, 0x22])))
        let result = ServerConfiguration.load(path: path)
        #expect(result.problems == [ConfigProblem(key: "", message: "The configuration file '\(path)' is not UTF-8 text, which TOML requires.")])
    }

    @Test("A file that is not TOML reports that alone, not the defaults' problems")
    func notTOML() throws {
        let directory = try ConfigFixtures.Directory()
        let path = try directory.write("broken.toml", "domains = [\n")
        let result = ServerConfiguration.load(path: path)
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.message.hasPrefix("The configuration file '\(path)' is not valid TOML at line ") == true)
    }

    @Test("The default path is needletail.toml in the working directory")
    func defaultPath() {
        #expect(ServerConfiguration.defaultConfigurationPath == "./needletail.toml")
    }
}
