/// A page layout, from `layouts/<name>.yaml`: the page, its grid and every type style.
/// All lengths in PostScript points.
public struct Layout: Hashable, Sendable {
    public struct Margins: Hashable, Sendable {
        public var top: Double
        public var bottom: Double
        /// Toward the spine on facing pages (the left margin of a right-hand page).
        public var inside: Double
        public var outside: Double

        public init(top: Double, bottom: Double, inside: Double, outside: Double) {
            self.top = top
            self.bottom = bottom
            self.inside = inside
            self.outside = outside
        }
    }

    public enum Alignment: String, Hashable, Sendable, CaseIterable { case justify, left, center, right }

    /// How one kind of text is set.
    public struct Style: Hashable, Sendable {
        public var font: String
        public var size: Double
        public var leading: Double
        public var bold: Bool
        public var italic: Bool
        public var smallCaps: Bool
        /// Extra space between letters, in ems.
        public var tracking: Double
        public var align: Alignment
        /// First-line indent (body paragraphs) or left indent (quotes, lists).
        public var indent: Double
        public var spaceBefore: Double
        public var spaceAfter: Double
        public var hyphenate: Bool
        public var hangingPunctuation: Bool
        /// Headline sizes by the number of columns the headline spans (headline style only).
        public var sizesByColumns: [Int: Double]

        public init(font: String, size: Double, leading: Double, bold: Bool = false, italic: Bool = false,
                    smallCaps: Bool = false, tracking: Double = 0, align: Alignment = .left, indent: Double = 0,
                    spaceBefore: Double = 0, spaceAfter: Double = 0, hyphenate: Bool = false,
                    hangingPunctuation: Bool = false, sizesByColumns: [Int: Double] = [:]) {
            self.font = font
            self.size = size
            self.leading = leading
            self.bold = bold
            self.italic = italic
            self.smallCaps = smallCaps
            self.tracking = tracking
            self.align = align
            self.indent = indent
            self.spaceBefore = spaceBefore
            self.spaceAfter = spaceAfter
            self.hyphenate = hyphenate
            self.hangingPunctuation = hangingPunctuation
            self.sizesByColumns = sizesByColumns
        }

        /// The size for a headline spanning `columns`: the largest size given for that many
        /// columns or fewer.
        public func size(spanning columns: Int) -> Double {
            sizesByColumns.filter { $0.key <= columns }.max { $0.key < $1.key }?.value ?? size
        }
    }

    /// The named styles a layout has; each starts from a default and takes what the file says.
    public enum StyleName: String, Hashable, Sendable, CaseIterable {
        case body, headline, kicker, deck, byline, dateline, subhead, caption, credit, pullquote
        case blockquote, list, table, code, footnote, folio, masthead, tagline, jump
    }

    public var name: String
    /// The file it was read from, as shown in diagnostics.
    public var file: String
    public var pageWidth: Double
    public var pageHeight: Double
    public var margins: Margins
    /// How far pictures and tints may run past the trim, for printing to the edge.
    public var bleed: Double
    /// Left and right pages mirror their margins (inside/outside) when true.
    public var facingPages: Bool
    public var columns: Int
    public var gutter: Double
    /// A hairline between columns.
    public var columnRules: Bool
    /// The baseline grid: every body line's baseline is a whole multiple of this below the
    /// top of the text area. The body's leading.
    public var baseline: Double
    public var styles: [StyleName: Style]
    /// The page count is made a multiple of this (4 for a folded tabloid or a saddle-stitched
    /// booklet; 1 for no rule), the added room filled with the publication's house matter.
    public var pageMultiple = 4
    /// The email edition's look, from the layout's `email:` mapping; what is not given keeps
    /// the email renderer's default.
    public var email = Email()

    /// Colours (`#rrggbb`), font stacks (CSS) and width (pixels) of the email edition.
    public struct Email: Hashable, Sendable {
        public var text: String?
        public var muted: String?
        public var accent: String?
        public var rule: String?
        public var background: String?
        public var serif: String?
        public var sans: String?
        public var mono: String?
        public var width: Int?
        public init() {}
    }

    public init(name: String, file: String, pageWidth: Double, pageHeight: Double, margins: Margins, bleed: Double,
                facingPages: Bool, columns: Int, gutter: Double, columnRules: Bool, baseline: Double,
                styles: [StyleName: Style]) {
        self.name = name
        self.file = file
        self.pageWidth = pageWidth
        self.pageHeight = pageHeight
        self.margins = margins
        self.bleed = bleed
        self.facingPages = facingPages
        self.columns = columns
        self.gutter = gutter
        self.columnRules = columnRules
        self.baseline = baseline
        self.styles = styles
    }

    public func style(_ name: StyleName) -> Style {
        styles[name] ?? Layout.defaultStyles(baseline: baseline)[name]!
    }

    /// Width of a column, and of a span of `n` columns with the gutters between them.
    public var columnWidth: Double {
        (pageWidth - margins.inside - margins.outside - Double(columns - 1) * gutter) / Double(columns)
    }

    public func width(spanning n: Int) -> Double {
        Double(n) * columnWidth + Double(max(0, n - 1)) * gutter
    }

    /// The styles every layout starts from, scaled to its baseline: a newspaper's PT faces.
    public static func defaultStyles(baseline: Double) -> [StyleName: Style] {
        // Hanging punctuation is off by default: hyphens hanging into a 12 pt gutter bring the
        // columns close enough that pdftotext reads two columns' lines as one.
        let body = Style(font: "PT Serif", size: baseline * 0.826, leading: baseline, align: .justify,
                         indent: baseline * 0.826, hyphenate: true)
        var styles: [StyleName: Style] = [.body: body]
        styles[.headline] = Style(font: "PT Sans Narrow", size: 28, leading: 30, bold: true, spaceAfter: baseline * 0.5,
                                  sizesByColumns: [1: 18, 2: 24, 3: 30, 4: 36, 5: 44, 6: 48])
        styles[.kicker] = Style(font: "PT Sans", size: body.size * 0.95, leading: baseline, bold: true, smallCaps: true, tracking: 0.05)
        styles[.deck] = Style(font: "PT Serif", size: body.size * 1.3, leading: baseline * 1.3, italic: true, spaceAfter: baseline * 0.5)
        styles[.byline] = Style(font: "PT Sans", size: body.size * 0.9, leading: baseline, bold: true, spaceAfter: baseline)
        styles[.dateline] = Style(font: "PT Serif", size: body.size, leading: baseline, bold: true, smallCaps: true, tracking: 0.04)
        styles[.subhead] = Style(font: "PT Sans", size: body.size * 1.05, leading: baseline, bold: true, spaceBefore: baseline)
        styles[.caption] = Style(font: "PT Sans", size: body.size * 0.85, leading: baseline * 0.85, italic: true, hyphenate: true)
        styles[.credit] = Style(font: "PT Sans", size: body.size * 0.7, leading: baseline * 0.7, align: .right)
        styles[.pullquote] = Style(font: "PT Serif", size: body.size * 1.6, leading: baseline * 1.5, italic: true, align: .center,
                                   spaceBefore: baseline, spaceAfter: baseline)
        styles[.blockquote] = Style(font: "PT Serif", size: body.size * 0.95, leading: baseline, italic: true, align: .justify,
                                    indent: baseline, spaceBefore: baseline * 0.5, spaceAfter: baseline * 0.5, hyphenate: true)
        styles[.list] = Style(font: "PT Serif", size: body.size, leading: baseline, align: .justify, indent: baseline, hyphenate: true)
        styles[.table] = Style(font: "PT Sans", size: body.size * 0.85, leading: baseline * 0.85)
        styles[.code] = Style(font: "PT Mono", size: body.size * 0.85, leading: baseline)
        styles[.footnote] = Style(font: "PT Serif", size: body.size * 0.85, leading: baseline * 0.85, align: .justify, hyphenate: true)
        styles[.folio] = Style(font: "PT Sans", size: body.size * 0.85, leading: baseline)
        styles[.masthead] = Style(font: "PT Serif", size: 64, leading: 66, bold: true, align: .center)
        styles[.tagline] = Style(font: "PT Serif", size: body.size * 1.1, leading: baseline, italic: true, align: .center)
        styles[.jump] = Style(font: "PT Sans", size: body.size * 0.85, leading: baseline, italic: true, align: .right)
        return styles
    }
}
