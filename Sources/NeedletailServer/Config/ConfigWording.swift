/// Small helpers for writing problem sentences.
enum ConfigWording {
    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String], conjunction: String = "and") -> String {
        switch items.count {
        case 0: ""
        case 1: items[0]
        default: items.dropLast().joined(separator: ", ") + " \(conjunction) " + items[items.count - 1]
        }
    }

    /// The names in `names`, quoted and joined with "or": "'a', 'b' or 'c'".
    static func choices(_ names: [String]) -> String {
        list(names.map { "'\($0)'" }, conjunction: "or")
    }
}
