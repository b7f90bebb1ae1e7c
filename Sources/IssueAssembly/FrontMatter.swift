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

    /// Lines are found in the UTF-8 bytes (line breaks are LF by now, see `SourceText`): a
    /// split into Characters would cost a grapheme scan of the whole article.
    static func split(_ text: String) throws(SplitError) -> FrontMatter {
        let utf8 = text.utf8
        func lineEnd(_ from: String.Index) -> String.Index { utf8[from...].firstIndex(of: 10) ?? utf8.endIndex }
        let firstEnd = lineEnd(utf8.startIndex)
        guard isFence(text[utf8.startIndex..<firstEnd], allowDots: false), firstEnd < utf8.endIndex else {
            if isFence(text[utf8.startIndex..<firstEnd], allowDots: false) { throw .unclosed }
            return FrontMatter(yaml: nil, yamlFirstLine: 1, body: text, bodyFirstLine: 1)
        }
        let yamlStart = utf8.index(after: firstEnd)
        var start = yamlStart
        var line = 2
        while true {
            let end = lineEnd(start)
            if isFence(text[start..<end], allowDots: true) {
                // The YAML is the lines between the fences, without the line break before the closing one.
                let yaml = start > yamlStart ? String(text[yamlStart..<utf8.index(before: start)]) : ""
                let body = end < utf8.endIndex ? String(text[utf8.index(after: end)...]) : ""
                return FrontMatter(yaml: yaml, yamlFirstLine: 2, body: body, bodyFirstLine: line + 1)
            }
            guard end < utf8.endIndex else { throw .unclosed }
            start = utf8.index(after: end)
            line += 1
        }
    }

    private static func isFence(_ line: Substring, allowDots: Bool) -> Bool {
        var l = line
        while l.last == " " || l.last == "\t" { l.removeLast() }
        return l == "---" || (allowDots && l == "...")
    }
}
