import TOMLKit

extension ConfigurationDecoder {
    /// The `[modules]` table: which modules are off, and their settings.
    static func decodeModules(_ table: ConfigTableReader, problems: inout [ConfigProblem]) -> ModulesConfiguration {
        var modules = ModulesConfiguration()
        if let names = table.strings("disabled", problems: &problems) {
            let known = ModulesConfiguration.knownNames
            for name in names where !known.contains(name) {
                problems.append(invalidChoice(
                    ConfigKeyPath.join(table.path, "disabled"), value: name, what: "a module", choices: known))
            }
            modules.disabled = Set(names.filter(known.contains))
        }
        if let value = table.integer("max_roster_items", problems: &problems) {
            modules.maxRosterItems = value
        }
        if let value = table.integer("max_offline_messages", problems: &problems) {
            modules.maxOfflineMessages = value
        }
        if let value = table.bool("hide_version", problems: &problems) {
            modules.hidesVersion = value
        }
        if let value = table.bool("allow_registration", problems: &problems) {
            modules.allowsRegistration = value
        }
        if let value = table.integer("registration_interval_seconds", problems: &problems) {
            modules.registrationIntervalSeconds = value
        }
        if let value = table.integer("resume_timeout_seconds", problems: &problems) {
            modules.streamManagement.resumeTimeoutSeconds = value
        }
        if let value = table.integer("max_unacked_stanzas", problems: &problems) {
            modules.streamManagement.maxUnackedStanzas = value
        }
        if let contacts = table.table("contact_addresses", name: "the [modules.contact_addresses] table", problems: &problems) {
            for kind in contacts.table.keys.sorted() {
                guard let addresses = contacts.strings(kind, problems: &problems) else { continue }
                if ContactAddresses.kinds.contains(kind) {
                    modules.contactAddresses[kind] = addresses
                } else {
                    problems.append(invalidChoice(
                        ConfigKeyPath.join(contacts.path, kind), value: kind, what: "an XEP-0157 address kind",
                        choices: ContactAddresses.kinds))
                }
            }
        }
        problems += table.unknownKeys(known: ConfigKeys.modules)
        return modules
    }
}

extension ServerConfiguration {
    /// Module settings that parse but make no sense.
    func validateModules() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if modules.maxRosterItems < 1 {
            problems.append(ConfigProblem(
                key: "modules.max_roster_items",
                message: "Key 'modules.max_roster_items' is \(modules.maxRosterItems); it must be at least 1, or no contact could be added."))
        }
        if modules.maxOfflineMessages < 0 {
            problems.append(ConfigProblem(
                key: "modules.max_offline_messages",
                message: "Key 'modules.max_offline_messages' is \(modules.maxOfflineMessages); use 0 to keep no offline messages, or more."))
        }
        if modules.registrationIntervalSeconds < 0 {
            problems.append(ConfigProblem(
                key: "modules.registration_interval_seconds",
                message: "Key 'modules.registration_interval_seconds' is \(modules.registrationIntervalSeconds); use 0 to let one address register accounts without a pause, or a number of seconds."))
        }
        if modules.streamManagement.resumeTimeoutSeconds < 0 {
            problems.append(ConfigProblem(
                key: "modules.resume_timeout_seconds",
                message: "Key 'modules.resume_timeout_seconds' is \(modules.streamManagement.resumeTimeoutSeconds); use 0 to turn stream resumption off, or a number of seconds."))
        }
        if modules.streamManagement.maxUnackedStanzas < 1 {
            problems.append(ConfigProblem(
                key: "modules.max_unacked_stanzas",
                message: "Key 'modules.max_unacked_stanzas' is \(modules.streamManagement.maxUnackedStanzas); it must be at least 1, or no stanza could wait for the client's acknowledgement."))
        }
        if modules.allowsRegistration, modules.disabled.contains(RegistrationModule.name) {
            problems.append(ConfigProblem(
                key: "modules.allow_registration",
                message: "Key 'modules.allow_registration' is true, but the '\(RegistrationModule.name)' module is in 'modules.disabled', so nobody could register; enable the module or set the key to false."))
        }
        return problems
    }
}
