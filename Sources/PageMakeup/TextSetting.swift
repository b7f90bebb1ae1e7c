import IssueModel
import Typesetting

/// What page makeup says to the typesetter: layout styles as text styles and paragraph
/// formats, and set lines as flow units.
struct TextSetting {
    let layout: Layout
    let typesetter: Typesetter
    let faces = InlineFaces()
    /// Characters no face has and overfull lines, collected as they are met.
    private(set) var missing: [Character] = []
    private(set) var overfull: [String] = []

    init(layout: Layout, typesetter: Typesetter) {
        self.layout = layout
        self.typesetter = typesetter
    }

    func textStyle(_ s: Layout.Style, size: Double? = nil) -> TextStyle {
        TextStyle(family: s.font, size: size ?? s.size, bold: s.bold, italic: s.italic, smallCaps: s.smallCaps, tracking: s.tracking)
    }

    func format(_ s: Layout.Style, indent: Double = 0) -> ParagraphFormat {
        let alignment: ParagraphFormat.Alignment
        switch s.align {
        case .justify: alignment = .justified
        case .left: alignment = .left
        case .center: alignment = .center
        case .right: alignment = .right
        }
        return ParagraphFormat(alignment: alignment, firstLineIndent: indent, hyphenate: s.hyphenate,
                               hangingPunctuation: s.hangingPunctuation)
    }

    /// Takes in what another setting met (stories set on another thread), in story order.
    mutating func absorb(missing more: [Character], overfull lines: [String]) {
        for c in more where !missing.contains(c) { missing.append(c) }
        overfull += lines
    }

    /// Forgets what was met after the first `missing` characters and `overfull` lines.
    mutating func rewind(missing count: Int, overfull lines: Int) {
        missing.removeLast(max(0, missing.count - count))
        overfull.removeLast(max(0, overfull.count - lines))
    }

    /// Sets model inlines in a style.
    mutating func set(_ inlines: [Inline], style: Layout.Style, measure: Double, language: String,
                      indent: Double = 0, size: Double? = nil) throws(FontError) -> SetParagraph {
        let runs = faces.runs(for: inlines, base: textStyle(style, size: size))
        return try set(runs, style: style, measure: measure, language: language, indent: indent)
    }

    mutating func set(_ runs: [TextRun], style: Layout.Style, measure: Double, language: String,
                      indent: Double = 0) throws(FontError) -> SetParagraph {
        let set = try typesetter.set(runs, language: language, measure: max(1, measure), format: format(style, indent: indent))
        for c in set.missingCharacters where !missing.contains(c) { missing.append(c) }
        overfull += set.overfullLines
        return set
    }

    /// A line as a one-grid-line unit, drawn `x` from its column's left edge.
    func unit(_ line: SetLine, x: Double) -> FlowUnit {
        FlowUnit(items: Self.items(line, at: Point(x: x, y: 0)), line: Self.summary(line))
    }

    /// Lines set at their own `leading` as one whole unit of enough grid lines to hold them.
    func packedUnit(_ lines: [SetLine], leading: Double, x: Double, extra: [DisplayItem] = [], extraHeight: Double = 0) -> FlowUnit {
        var items = extra
        for (i, line) in lines.enumerated() { items += Self.items(line, at: Point(x: x, y: Double(i) * leading)) }
        let height = max(1, Int(((Double(lines.count) * leading + extraHeight) / layout.baseline - 1e-9).rounded(.up)))
        return FlowUnit(height: height, items: items)
    }

    static func items(_ line: SetLine, at origin: Point) -> [DisplayItem] {
        PlacedLine(line: line, column: 0, origin: origin).displayItems
    }

    static func summary(_ line: SetLine) -> SetLineSummary {
        SetLineSummary(text: line.text, isLoose: (line.wordSpaceRatio ?? 0) > 1.5 + 1e-9, isOverfull: line.isOverfull,
                       isHyphenated: line.isHyphenated)
    }
}

extension DisplayItem {
    /// The item moved by `dx`, `dy`.
    public func offset(by dx: Double, _ dy: Double) -> DisplayItem {
        switch self {
        case .glyphs(let run, let origin): return .glyphs(run, origin: Point(x: origin.x + dx, y: origin.y + dy))
        case .rule(let a, let b, let width, let gray):
            return .rule(from: Point(x: a.x + dx, y: a.y + dy), to: Point(x: b.x + dx, y: b.y + dy), width: width, gray: gray)
        case .fill(let r, let gray): return .fill(Rect(x: r.x + dx, y: r.y + dy, width: r.width, height: r.height), gray: gray)
        case .link(let r, let url): return .link(Rect(x: r.x + dx, y: r.y + dy, width: r.width, height: r.height), url: url)
        case .image(let image, let r):
            return .image(image, Rect(x: r.x + dx, y: r.y + dy, width: r.width, height: r.height))
        }
    }
}
