import IssueModel

/// An article file split into its YAML front matter and its Markdown body.
///
/// The front matter is the block between a first line of `---` and the next line of `---` or
/// `...`. Both parts keep the line numbers they have in the file: `yamlFirstLine` and
/// `bodyFirstLine` say where each starts.
struct FrontMatter {
    /// The YAML text, nil when the file has no front matter.
    let yaml: String?
    let yamlFirstLine: Int
    let body: String
    let bodyFirstLine: Int

    enum SplitError: Error {
        /// `---` opens the front matter, but no line closes it.
        case unclosed
    }

    static func split(_ text: String) throws(SplitError) -> FrontMatter {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard let first = lines.first, isFence(first, allowDots: false) else {
            return FrontMatter(yaml: nil, yamlFirstLine: 1, body: text, bodyFirstLine: 1)
        }
        lines = lines.dropFirst()
        guard let close = lines.firstIndex(where: { isFence($0, allowDots: true) }) else { throw .unclosed }
        let yaml = lines[lines.startIndex..<close].joined(separator: "\n")
        let body = lines[(close + 1)...].joined(separator: "\n")
        // `close` is a 0-based index into the file's lines: the body starts on the line after it.
        return FrontMatter(yaml: yaml, yamlFirstLine: 2, body: body, bodyFirstLine: close + 2)
    }

    private static func isFence(_ line: Substring, allowDots: Bool) -> Bool {
        var l = line
        while l.last == " " || l.last == "\t" { l.removeLast() }
        return l == "---" || (allowDots && l == "...")
    }
}
