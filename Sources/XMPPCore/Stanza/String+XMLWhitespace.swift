extension String {
    /// The string without leading and trailing XML whitespace (space, tab, CR, LF; XML 1.0 §2.3).
    public func trimmingXMLWhitespace() -> Substring {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isWhitespace($0) }) else { return "" }
        guard let end = lastIndex(where: { !isWhitespace($0) }) else { return "" }
        return self[start...end]
    }
}
