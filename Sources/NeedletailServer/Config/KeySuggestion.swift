/// "Did you mean ...?" for unknown keys: the known key closest to a misspelt one
/// by edit distance, when it is close enough to be a plausible typo.
enum KeySuggestion {
    /// The known key nearest to `key` when it is within a third of the key's
    /// length (at least one edit) of it; otherwise a known key that `key` (three
    /// letters or more) begins, as `warn` begins `warning`; otherwise `nil`.
    static func nearest(to key: String, among known: [String]) -> String? {
        let target = Array(key.lowercased().unicodeScalars)
        let allowed = max(1, target.count / 3)
        var best: (key: String, distance: Int)?
        for candidate in known {
            let distance = editDistance(target, Array(candidate.lowercased().unicodeScalars))
            if distance <= allowed, distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        if let best {
            return best.key
        }
        let lowered = key.lowercased()
        guard lowered.count >= 3 else { return nil }
        return known.first { $0.lowercased().hasPrefix(lowered) }
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit
    /// (optimal string alignment), so `lsitener` is one edit from `listener`.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
