import TOMLKit

/// Reads the values of one TOML table of the configuration file, turning every
/// value of the wrong type into a `ConfigProblem` instead of stopping at the
/// first, and remembering which keys were read so the rest can be reported as
/// unknown.
struct ConfigTableReader {
    /// The table read.
    let table: TOMLTable
    /// Its dotted key path, empty for the top level.
    let path: String
    /// How a sentence names the table: "the top-level table", "the [limits] table".
    let name: String

    /// The value at `key`, if the table has it.
    func value(_ key: String) -> (any TOMLValueConvertible)? {
        guard table.contains(key: key) else { return nil }
        let value: TOMLValue? = table[key]
        return value
    }

    /// The string at `key`; a value of another type is a problem and gives `nil`.
    func string(_ key: String, problems: inout [ConfigProblem]) -> String? {
        guard let value = value(key) else { return nil }
        guard let string = value.string else {
            problems.append(Self.typeMismatch(ConfigKeyPath.join(path, key), expected: "a string", found: value))
            return nil
        }
        return string
    }

    /// The integer at `key`; a value of another type is a problem and gives `nil`.
    func integer(_ key: String, problems: inout [ConfigProblem]) -> Int? {
        guard let value = value(key) else { return nil }
        guard let integer = value.int else {
            problems.append(Self.typeMismatch(ConfigKeyPath.join(path, key), expected: "an integer", found: value))
            return nil
        }
        return integer
    }

    /// The boolean at `key`; a value of another type is a problem and gives `nil`.
    func bool(_ key: String, problems: inout [ConfigProblem]) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let bool = value.bool else {
            problems.append(Self.typeMismatch(ConfigKeyPath.join(path, key), expected: "true or false", found: value))
            return nil
        }
        return bool
    }

    /// The array of strings at `key`; a value of another type, or an element that
    /// is not a string, is a problem and gives `nil`.
    func strings(_ key: String, problems: inout [ConfigProblem]) -> [String]? {
        guard let value = value(key) else { return nil }
        let keyPath = ConfigKeyPath.join(path, key)
        guard let array = value.array else {
            problems.append(Self.typeMismatch(keyPath, expected: "an array of strings", found: value))
            return nil
        }
        var strings: [String] = []
        var valid = true
        for (index, element) in array.enumerated() {
            if let string = element.string {
                strings.append(string)
            } else {
                valid = false
                problems.append(ConfigProblem(
                    key: keyPath,
                    message: "Element \(index + 1) of '\(keyPath)' must be a string, but it is \(Self.describe(element))."
                ))
            }
        }
        return valid ? strings : nil
    }

    /// The table at `key`, read as `name`; a value of another type is a problem and gives `nil`.
    func table(_ key: String, name: String, problems: inout [ConfigProblem]) -> ConfigTableReader? {
        guard let value = value(key) else { return nil }
        let keyPath = ConfigKeyPath.join(path, key)
        guard let table = value.table else {
            problems.append(Self.typeMismatch(keyPath, expected: "a table", found: value))
            return nil
        }
        return ConfigTableReader(table: table, path: keyPath, name: name)
    }

    /// The array of tables at `key` (`[[key]]` in TOML); a value of another type,
    /// or an element that is not a table, is a problem and gives `nil`.
    func tables(_ key: String, problems: inout [ConfigProblem]) -> [ConfigTableReader]? {
        guard let value = value(key) else { return nil }
        let keyPath = ConfigKeyPath.join(path, key)
        guard let array = value.array else {
            problems.append(Self.typeMismatch(keyPath, expected: "an array of tables ([[\(keyPath)]])", found: value))
            return nil
        }
        var tables: [ConfigTableReader] = []
        var valid = true
        for (index, element) in array.enumerated() {
            let elementPath = "\(keyPath)[\(index + 1)]"
            if let table = element.table {
                tables.append(ConfigTableReader(table: table, path: elementPath, name: elementPath))
            } else {
                valid = false
                problems.append(ConfigProblem(
                    key: elementPath,
                    message: "Element \(index + 1) of '\(keyPath)' must be a table, but it is \(Self.describe(element))."
                ))
            }
        }
        return valid ? tables : nil
    }

    /// A problem for every key of the table not in `known`, with the nearest known
    /// key as a suggestion when one is close.
    func unknownKeys(known: [String]) -> [ConfigProblem] {
        table.keys.filter { !known.contains($0) }.sorted().map { key in
            let keyPath = ConfigKeyPath.join(path, key)
            if let suggestion = KeySuggestion.nearest(to: key, among: known) {
                return ConfigProblem(key: keyPath, message: "Unknown key '\(key)' in \(name); did you mean '\(suggestion)'?")
            }
            return ConfigProblem(
                key: keyPath,
                message: "Unknown key '\(key)' in \(name); the keys it accepts are \(ConfigWording.list(known.map { "'\($0)'" }))."
            )
        }
    }

    private static func typeMismatch(_ keyPath: String, expected: String, found: any TOMLValueConvertible) -> ConfigProblem {
        ConfigProblem(key: keyPath, message: "Key '\(keyPath)' must be \(expected), but it is \(describe(found)).")
    }

    /// "a string", "an integer", ...: a TOML value's type, with its article.
    static func describe(_ value: any TOMLValueConvertible) -> String {
        switch value.type {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a floating-point number"
        case .bool: "a boolean"
        case .date: "a date"
        case .time: "a time"
        case .dateTime: "a date-time"
        }
    }
}
