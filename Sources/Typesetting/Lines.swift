/// A glyph placed on a line, in points: `x` from the line's start, `y` up from the baseline.
///
/// Kept in 16 bytes rather than 24 (a line's glyphs are the largest part of a built issue's
/// memory): `y` is a mark's offset or a superscript's rise, a few points, which single
/// precision holds to far below the thousandth of a point a PDF is written in.
public struct PositionedGlyph: Hashable, Sendable {
    public var id: UInt32
    private var storedY: Float
    public var x: Double
    public var y: Double {
        get { Double(storedY) }
        set { storedY = Float(newValue) }
    }

    public init(id: UInt32, x: Double, y: Double) {
        self.id = id
        self.storedY = Float(y)
        self.x = x
    }
}

/// A cluster of a run, in the sense of Cairo's `cairo_show_text_glyphs`: `byteCount` bytes of
/// the run's text set by the next `glyphCount` glyphs (an `fi` ligature: 2 bytes, 1 glyph).
/// Kept in 8 bytes rather than 16: a line is far shorter than 4 GiB.
public struct TextCluster: Hashable, Sendable {
    private var bytes: UInt32
    private var glyphs: UInt32
    public var byteCount: Int {
        get { Int(bytes) }
        set { bytes = UInt32(newValue) }
    }
    public var glyphCount: Int {
        get { Int(glyphs) }
        set { glyphs = UInt32(newValue) }
    }

    public init(byteCount: Int, glyphCount: Int) {
        bytes = UInt32(byteCount)
        glyphs = UInt32(glyphCount)
    }
}

/// Glyphs of one face, size and link, with the text they set, so a PDF gives the words back.
///
/// The face, glyphs, text, clusters and link are kept together in one object, shared by the
/// run's copies (and copied when one of them changes): a run is copied wherever a line is
/// placed or drawn, and copying it takes one reference rather than five.
public struct GlyphRun: @unchecked Sendable {
    private final class Shared {
        var face: FontFace
        var glyphs: [PositionedGlyph]
        var text: String
        var clusters: [TextCluster]
        var link: String?
        init(face: FontFace, glyphs: [PositionedGlyph], text: String, clusters: [TextCluster], link: String?) {
            self.face = face
            self.glyphs = glyphs
            self.text = text
            self.clusters = clusters
            self.link = link
        }
        func copy() -> Shared { Shared(face: face, glyphs: glyphs, text: text, clusters: clusters, link: link) }
    }
    private var shared: Shared

    public init(face: FontFace, size: Double, rise: Double, glyphs: [PositionedGlyph], text: String, clusters: [TextCluster],
                link: String?, struck: Bool, endsWithAddedHyphen: Bool, x: Double, width: Double) {
        shared = Shared(face: face, glyphs: glyphs, text: text, clusters: clusters, link: link)
        self.size = size
        self.rise = rise
        self.struck = struck
        self.endsWithAddedHyphen = endsWithAddedHyphen
        self.x = x
        self.width = width
    }

    /// The shared parts, this run's own before one of them changes.
    private mutating func own() -> Shared {
        if !isKnownUniquelyReferenced(&shared) { shared = shared.copy() }
        return shared
    }

    public var face: FontFace {
        get { shared.face }
        set { own().face = newValue }
    }
    public var size: Double
    /// Raise of the baseline (superscripts), in points.
    public var rise: Double
    public var glyphs: [PositionedGlyph] {
        get { shared.glyphs }
        set { own().glyphs = newValue }
    }
    /// The text these glyphs set: what the author wrote, soft hyphens left out, an added hyphen
    /// in (see `endsWithAddedHyphen`).
    public var text: String {
        get { shared.text }
        set { own().text = newValue }
    }
    public var clusters: [TextCluster] {
        get { shared.clusters }
        set { own().clusters = newValue }
    }
    public var link: String? {
        get { shared.link }
        set { own().link = newValue }
    }
    public var struck: Bool
    /// The run ends with a hyphen the typesetter added at a line break.
    public var endsWithAddedHyphen: Bool
    /// Where the run starts and how wide it is on its line.
    public var x: Double
    public var width: Double
}

/// One line of a set paragraph.
public struct SetLine: @unchecked Sendable {
    public var runs: [GlyphRun]
    /// The measure the line was set to.
    public var measure: Double
    /// Width of the line as set, from the first glyph's origin to the last one's advance.
    public var width: Double
    /// Width with every space and letter at its natural size.
    public var naturalWidth: Double
    /// The highest ascender and lowest descender (negative) of its faces, in points.
    public var ascent: Double
    public var descent: Double
    /// Knuth–Plass adjustment ratio as set: 0 natural, 1 every space at its maximum stretch,
    /// −1 at its maximum shrink.
    public var adjustmentRatio: Double
    /// Set word space over the face's natural space (1.5 = 150 %); nil for lines whose spaces
    /// are not stretched (the last of a justified paragraph, ragged lines, lines without spaces).
    public var wordSpaceRatio: Double?
    /// Ends with a hyphen: one the typesetter added, or a word's own hyphen it broke after.
    public var isHyphenated: Bool
    /// The line ends inside a word (at a hyphen, a dash or a separator of an address), not at
    /// a space: the next line continues the same word.
    public var breaksInsideWord: Bool
    /// Wider than the measure: nothing narrower was possible.
    public var isOverfull: Bool
    public var isLast: Bool

    /// The line's text, runs joined.
    public var text: String { runs.map(\.text).joined() }
}

/// A paragraph set into lines, with what could not be set as asked.
public struct SetParagraph: @unchecked Sendable {
    public var lines: [SetLine]
    /// Characters no bundled face has: set as the face's missing glyph, to be reported.
    public var missingCharacters: [Character]
    /// The text of overfull lines (only a single glyph wider than the column makes one).
    public var overfullLines: [String] { lines.filter(\.isOverfull).map(\.text) }
    /// Which pass set it: 1 without hyphenation, 2 with, 3 with emergency stretch, 4 as loose
    /// as needed; 0 first fit.
    public var pass: Int
    public var spaceBefore: Double
    public var spaceAfter: Double

    /// The depth the paragraph takes with lines `leading` apart, its spaces included.
    public func height(leading: Double) -> Double {
        spaceBefore + Double(lines.count) * leading + spaceAfter
    }
}
