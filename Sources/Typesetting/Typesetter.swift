/// How a paragraph is set.
public struct ParagraphFormat: Hashable, Sendable {
    public enum Alignment: Hashable, Sendable { case justified, left, center, right }
    public enum Algorithm: Hashable, Sendable { case totalFit, firstFit }

    /// Justified sets every line but the last to the full measure; the others are ragged.
    public var alignment: Alignment
    /// Indent of the first line, in points.
    public var firstLineIndent: Double
    public var hyphenate: Bool
    /// Let opening quotes hang into the left margin and hyphens, periods, commas and closing
    /// quotes into the right one, so the edge of the text looks straight.
    public var hangingPunctuation: Bool
    public var algorithm: Algorithm
    /// White above and below the paragraph, in points: carried to the set paragraph for the
    /// page to place it.
    public var spaceBefore: Double
    public var spaceAfter: Double

    public init(alignment: Alignment = .justified, firstLineIndent: Double = 0, hyphenate: Bool = true,
                hangingPunctuation: Bool = false, algorithm: Algorithm = .totalFit,
                spaceBefore: Double = 0, spaceAfter: Double = 0) {
        self.alignment = alignment
        self.firstLineIndent = firstLineIndent
        self.hyphenate = hyphenate
        self.hangingPunctuation = hangingPunctuation
        self.algorithm = algorithm
        self.spaceBefore = spaceBefore
        self.spaceAfter = spaceAfter
    }
}

/// Sets paragraphs: styled text in, lines of positioned glyph runs out. Knows no pages.
///
/// Holds the caches that make setting fast: each word is shaped once per style, each word
/// hyphenated once per language. Not thread-safe; use one per thread.
public final class Typesetter {
    public let fonts: FontLibrary
    public let hyphenation: Hyphenation
    let shaper: Shaper
    let breakCache = BreakCache()

    /// Emergency stretch of the last pass, in ems of the paragraph's first style: TeX's advice
    /// for narrow columns is a few ems; 1.5 spreads an unavoidably loose paragraph over several
    /// lines rather than leave one line with enormous spaces.
    static let emergencyStretchEms = 1.5

    public init(fonts: FontLibrary, hyphenation: Hyphenation = Hyphenation()) {
        self.fonts = fonts
        self.hyphenation = hyphenation
        shaper = Shaper(fonts: fonts)
    }

    /// A typesetter for another thread: the same fonts folder, fallbacks and hyphenation rules,
    /// opened again, with caches of its own. FreeType faces, HarfBuzz fonts and libhyphen
    /// dictionaries must not be used by two threads at once; two typesetters share nothing, and
    /// set the same text the same way.
    public func sibling() throws(FontError) -> Typesetter {
        try siblingMaker()()
    }

    /// What makes a sibling, taken from this typesetter now, so that another thread can make
    /// it (opening the fonts and dictionaries there) while this one works.
    public func siblingMaker() -> @Sendable () throws(FontError) -> Typesetter {
        let folder = fonts.folder, fallbacks = fonts.fallbackFamilies
        let hyphenFolder = hyphenation.folder
        nonisolated(unsafe) let rules = hyphenation.rules
        return { () throws(FontError) -> Typesetter in
            let library = try FontLibrary(folder: folder, fallbackFamilies: fallbacks)
            return Typesetter(fonts: library, hyphenation: Hyphenation(folder: hyphenFolder, rules: rules))
        }
    }

    /// Sets `runs` into lines `measure` points wide.
    public func set(_ runs: [TextRun], language: String, measure: Double,
                    format: ParagraphFormat = ParagraphFormat()) throws(FontError) -> SetParagraph {
        guard let firstStyle = runs.first?.style else { return SetParagraph(lines: [], missingCharacters: [], pass: 0, spaceBefore: format.spaceBefore, spaceAfter: format.spaceAfter) }
        func build() throws(FontError) -> ItemBuilder {
            var builder = ItemBuilder(shaper: shaper, hyphenation: hyphenation, breakCache: breakCache, settings: ItemSettings(
                measure: measure, justified: format.alignment == .justified, hyphenate: format.hyphenate,
                firstLineIndent: format.firstLineIndent, language: language,
                hangingPunctuation: format.hangingPunctuation))
            try builder.build(runs)
            return builder
        }

        var builder: ItemBuilder
        var result: LineBreaker.Result
        var pass: Int
        switch format.algorithm {
        case .firstFit:
            builder = try build()
            result = LineBreaker.firstFit(builder.items, measure: measure)
            pass = 0
        case .totalFit:
            // TeX's passes: without hyphenation at tolerance 100 (\pretolerance); with it at 200
            // (\tolerance), only where the first fails; then with emergency stretch; and last,
            // any line however loose, overfull only where nothing else fits.
            // The items are made once, with the dictionary's hyphenation points; the first pass
            // passes over them.
            builder = try build()
            pass = 1
            var found = LineBreaker.totalFit(builder.items, .init(measure: measure, tolerance: 100, hyphenate: false))
            if found == nil {
                pass = 2
                found = LineBreaker.totalFit(builder.items, .init(measure: measure, tolerance: 200))
            }
            if found == nil {
                pass = 3
                found = LineBreaker.totalFit(builder.items, .init(
                    measure: measure, tolerance: 200, emergencyStretch: Self.emergencyStretchEms * firstStyle.size))
            }
            if found == nil {
                pass = 4
                found = LineBreaker.totalFit(builder.items, .init(measure: measure, tolerance: 10_000, isFinalPass: true))
            }
            // The final pass always finds a path (overfull if it must); first fit as a last guard.
            result = found ?? LineBreaker.firstFit(builder.items, measure: measure)
        }
        guard builder.items.contains(where: { $0.kind == .box }) else {
            return SetParagraph(lines: [], missingCharacters: builder.missing, pass: pass,
                                spaceBefore: format.spaceBefore, spaceAfter: format.spaceAfter)
        }
        let lines = LineAssembler(items: builder.items, pieces: builder.pieces, measure: measure, format: format)
            .lines(breaks: result.breaks, overfull: Set(result.overfull))
        return SetParagraph(lines: lines, missingCharacters: builder.missing, pass: pass,
                            spaceBefore: format.spaceBefore, spaceAfter: format.spaceAfter)
    }
}
