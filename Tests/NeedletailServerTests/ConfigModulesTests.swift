import Testing
@testable import NeedletailServer

/// The `[modules]` table: in-band registration's and stream management's keys.
@Suite("Configuration of modules")
struct ConfigModulesTests {
    @Test func registrationIsOffByDefaultWithAMinuteBetweenRegistrations() {
        let modules = ConfigDecodingTests.decode("").configuration.modules
        #expect(!modules.allowsRegistration)
        #expect(modules.registrationIntervalSeconds == 60)
        #expect(ModulesConfiguration.knownNames.contains(RegistrationModule.name))
    }

    @Test func registrationKeysAreRead() throws {
        let result = ConfigDecodingTests.decode("""
            [modules]
            allow_registration = true
            registration_interval_seconds = 0
            """)
        #expect(result.problems == [])
        #expect(result.configuration.modules.allowsRegistration)
        #expect(result.configuration.modules.registrationIntervalSeconds == 0)
        let modules = result.configuration.modules
        #expect(try ConfigValidationTests.problems { $0.modules = modules } == [])
    }

    @Test func aNegativeIntervalIsAProblem() throws {
        #expect(try ConfigValidationTests.problems { $0.modules.registrationIntervalSeconds = -1 } == [
            ConfigProblem(
                key: "modules.registration_interval_seconds",
                message: "Key 'modules.registration_interval_seconds' is -1; use 0 to let one address register accounts without a pause, or a number of seconds."),
        ])
    }

    @Test func registrationAllowedWithItsModuleDisabledIsAProblem() throws {
        let problems = try ConfigValidationTests.problems {
            $0.modules.allowsRegistration = true
            $0.modules.disabled = [RegistrationModule.name]
        }
        #expect(problems.map(\.key) == ["modules.allow_registration"])
    }

    @Test func theRegistrationModuleOpensRegistrationOnlyWhenAllowed() {
        #expect(ModuleRegistry(modules: ModulesConfiguration().enabled()).registrationHandler == nil)
        #expect(ModuleRegistry(modules: ModulesConfiguration(allowsRegistration: true).enabled()).registrationHandler != nil)
        // Password changes and removal stay with the module either way; its disco feature too.
        #expect(ModuleRegistry(modules: ModulesConfiguration().enabled()).features.contains("jabber:iq:register"))
        #expect(!ModuleRegistry(modules: ModulesConfiguration(disabled: ["register"]).enabled()).features.contains("jabber:iq:register"))
    }

    @Test func streamManagementKeysAreReadAndChecked() throws {
        let defaults = ConfigDecodingTests.decode("").configuration.modules.streamManagement
        #expect(defaults == StreamManagementSettings(resumeTimeoutSeconds: 300, maxUnackedStanzas: 5000))
        let result = ConfigDecodingTests.decode("""
            [modules]
            resume_timeout_seconds = 0
            max_unacked_stanzas = 200
            """)
        #expect(result.problems == [])
        #expect(result.configuration.modules.streamManagement.resumeTimeoutSeconds == 0)
        #expect(result.configuration.modules.streamManagement.maxUnackedStanzas == 200)
        let problems = try ConfigValidationTests.problems {
            $0.modules.streamManagement.resumeTimeoutSeconds = -5
            $0.modules.streamManagement.maxUnackedStanzas = 0
        }
        #expect(problems.map(\.key) == ["modules.resume_timeout_seconds", "modules.max_unacked_stanzas"])
        #expect(ModulesConfiguration.knownNames.contains(StreamManagementModule.name))
    }
}
