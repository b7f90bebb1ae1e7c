import IssueModel

/// How a piece of text is set: face, size and the OpenType features that go with it.
public struct TextStyle: Hashable, Sendable {
    public var family: String
    public var bold: Bool
    public var italic: Bool
    /// Size in points.
    public var size: Double
    /// Capitals set as small capitals (OpenType `c2sc`, the text upper-cased first): datelines.
    public var smallCaps: Bool
    /// A footnote mark: set smaller and raised.
    public var superscript: Bool
    /// Extra space after every glyph, in ems (positive tracks out, as for small capitals).
    public var tracking: Double
    /// OpenType features beyond the defaults (kerning and standard ligatures are always on):
    /// `onum` for old-style figures, `lnum`, `tnum` …, four letters each.
    public var features: [String]

    public init(family: String, size: Double, bold: Bool = false, italic: Bool = false, smallCaps: Bool = false,
                superscript: Bool = false, tracking: Double = 0, features: [String] = []) {
        self.family = family
        self.size = size
        self.bold = bold
        self.italic = italic
        self.smallCaps = smallCaps
        self.superscript = superscript
        self.tracking = tracking
        self.features = features
    }

    /// What a footnote mark is set at, relative to the text around it: size and raise in ems.
    static let superscriptScale = 0.62
    static let superscriptRaise = 0.36
    /// Capitals made into small capitals are set at this share of the size: about the x-height
    /// of a text face, with the tracking datelines add to open them up.
    static let syntheticSmallCapsScale = 0.8
}

/// A stretch of a paragraph's text in one style, with the link it belongs to, if any.
public struct TextRun: Hashable, Sendable {
    public var text: String
    public var style: TextStyle
    /// The URL a PDF link annotation over these glyphs points to.
    public var link: String?
    /// Struck through (GFM `~~…~~`): the page draws the line.
    public var struck: Bool

    public init(_ text: String, style: TextStyle, link: String? = nil, struck: Bool = false) {
        self.text = text
        self.style = style
        self.link = link
        self.struck = struck
    }
}

/// The faces a paragraph's inline styles map to.
public struct InlineFaces: Sendable {
    /// The family of `code` spans.
    public var monospaceFamily: String

    public init(monospaceFamily: String = "PT Mono") {
        self.monospaceFamily = monospaceFamily
    }

    /// Model inlines to styled runs: emphasis italic, strong bold, code in the monospace face,
    /// links carrying their URL, datelines in bold small capitals, footnote references as
    /// raised numbers. A soft break is a space; a hard break is a newline, which the
    /// typesetter turns into a forced line break. Images are set by page makeup, not here.
    public func runs(for inlines: [Inline], base: TextStyle) -> [TextRun] {
        var out: [TextRun] = []
        func append(_ text: String, _ style: TextStyle, _ link: String?, _ struck: Bool) {
            if let last = out.last, last.style == style, last.link == link, last.struck == struck {
                out[out.count - 1].text += text
            } else if !text.isEmpty {
                out.append(TextRun(text, style: style, link: link, struck: struck))
            }
        }
        func visit(_ inline: Inline, _ style: TextStyle, _ link: String?, _ struck: Bool) {
            switch inline {
            case .text(let s): append(s, style, link, struck)
            case .emphasis(let c):
                var s = style
                s.italic.toggle()
                c.forEach { visit($0, s, link, struck) }
            case .strong(let c):
                var s = style
                s.bold = true
                c.forEach { visit($0, s, link, struck) }
            case .strikethrough(let c): c.forEach { visit($0, style, link, true) }
            case .code(let s):
                var mono = style
                mono.family = monospaceFamily
                mono.bold = false
                mono.italic = false
                mono.size = style.size * 0.92
                append(s, mono, link, struck)
            case .link(let url, _, let c): c.forEach { visit($0, style, url, struck) }
            case .image: break
            case .footnoteReference(_, let number):
                var s = style
                s.superscript = true
                append(String(number), s, link, struck)
            case .softBreak: append(" ", style, link, struck)
            case .lineBreak: append("\n", style, link, struck)
            case .dateline(let text):
                var s = style
                s.bold = true
                s.smallCaps = true
                s.tracking = 0.04
                append(text, s, link, struck)
            }
        }
        for inline in inlines { visit(inline, base, nil, false) }
        return out
    }
}
