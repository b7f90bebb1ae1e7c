/// Text inside a block: what CommonMark and GFM call inlines, plus the newspaper's dateline.
public indirect enum Inline: Hashable, Sendable {
    /// Plain text, with smart punctuation already applied (curly quotes, dashes, ellipses).
    case text(String)
    case emphasis([Inline])
    case strong([Inline])
    case strikethrough([Inline])
    /// A code span: set in the code face, never hyphenated.
    case code(String)
    /// A link; `url` as written by the author (a web address, `mailto:` or a path in the issue folder).
    case link(url: String, title: String, content: [Inline])
    case image(ImageRef)
    /// A reference to a footnote of the same article; `number` counts from 1 in order of first use.
    case footnoteReference(label: String, number: Int)
    /// A line ending inside a paragraph: a space when set.
    case softBreak
    /// A forced line break (two spaces or a backslash at the end of a line).
    case lineBreak
    /// The dateline that opens a dispatch: `**NEWARK, NJ, FEBRUARY 1** —` becomes
    /// `.dateline("NEWARK, NJ, FEBRUARY 1")` followed by the text from the em dash on. Renderers set
    /// it in bold small caps.
    case dateline(String)
}

extension Inline {
    /// The text a reader sees, with soft breaks as spaces: what word counts and searches use.
    public var plainText: String {
        var out = ""
        appendPlainText(to: &out)
        return out
    }

    func appendPlainText(to out: inout String) {
        switch self {
        case .text(let s), .code(let s), .dateline(let s): out += s
        case .emphasis(let c), .strong(let c), .strikethrough(let c), .link(_, _, let c):
            for i in c { i.appendPlainText(to: &out) }
        case .image(let ref): out += ref.alt
        case .footnoteReference(_, let n): out += String(n)
        case .softBreak, .lineBreak: out += " "
        }
    }
}

extension Array where Element == Inline {
    public var plainText: String {
        var out = ""
        for i in self { i.appendPlainText(to: &out) }
        return out
    }
}
