import Foundation

/// A Knuth–Plass item: a box (something to set), glue (space that stretches and shrinks) or a
/// penalty (a place to break, at a cost). Knuth & Plass 1981, §2.
struct Item {
    enum Kind { case box, glue, penalty }

    enum Content {
        case none
        /// The glyphs of `pieces[piece]` whose clusters start in `bytes`.
        case glyphs(piece: Int, bytes: Range<Int>)
        /// A word space, drawn with the space glyph of `pieces[piece]`'s face.
        case space(piece: Int)
        /// A break that, when taken, adds the hyphen shaped as `pieces[piece]`.
        case hyphen(piece: Int)
    }

    var kind: Kind
    var width: Double
    var stretch: Double = 0
    var shrink: Double = 0
    var penalty: Double = 0
    /// A flagged penalty is a hyphenation: two flagged breaks in a row cost extra, and at most
    /// two are allowed.
    var flagged = false
    /// A break inside an address or inside a word wider than the column: a line that ends here
    /// with no word space on it could not have been avoided.
    var isInsideToken = false
    /// A hyphenation point from the dictionary: a break the first pass, which sets without
    /// hyphenating, passes over.
    var isDictionaryHyphen = false
    /// Demerits a break here adds on top of its penalty: a cut between two letters of an
    /// over-wide word with no hyphen must lose to any other line, a lone word included.
    var extraDemerits = 0.0
    /// How far this box's first character may hang into the left margin, and its last (or this
    /// hyphen) into the right one, in points; zero without hanging punctuation.
    var leftHang = 0.0
    var rightHang = 0.0
    var content: Content = .none

    static func box(_ width: Double, stretch: Double = 0, content: Content = .none) -> Item {
        Item(kind: .box, width: width, stretch: stretch, content: content)
    }

    static func glue(_ width: Double, stretch: Double, shrink: Double, content: Content = .none) -> Item {
        Item(kind: .glue, width: width, stretch: stretch, shrink: shrink, content: content)
    }

    static func penalty(_ cost: Double, width: Double = 0, flagged: Bool = false, content: Content = .none) -> Item {
        Item(kind: .penalty, width: width, penalty: cost, flagged: flagged, content: content)
    }

    /// A cost at or above this never breaks; at or below its negative always does.
    static let infinity: Double = 10_000
    /// The stretch of "fil" glue (TeX's infinite order), large enough to swamp any finite sum.
    static let fill: Double = 1e7
}

/// A shaped stretch of one style, with what the page needs to know about it.
struct Piece {
    var shaped: ShapedText
    var link: String?
    var struck: Bool
}

/// The settings that decide which items a paragraph becomes.
struct ItemSettings {
    var measure: Double
    var justified: Bool
    var hyphenate: Bool
    var firstLineIndent: Double
    var language: String
    var hangingPunctuation = false

    /// How far a character at the start (left) or end (right) of a line hangs into the margin,
    /// as a share of its width: quotes wholly, hyphens and small stops most of the way, as
    /// microtype's default protrusion does.
    static let leftHang: [Unicode.Scalar: Double] = ["“": 1, "‘": 1, "\"": 1, "'": 1, "«": 0.6, "‹": 0.6, "„": 1]
    static let rightHang: [Unicode.Scalar: Double] = [
        "-": 0.7, "\u{2010}": 0.7, "–": 0.5, ".": 0.7, ",": 0.7, "”": 1, "’": 1, "\"": 1, "'": 1,
        ":": 0.5, ";": 0.5, "»": 0.6, "›": 0.6, "!": 0.2, "?": 0.2,
    ]

    /// Word spaces may stretch to 150 % and shrink to 67 % of the face's space at the limits of
    /// a decent line (r = ±1): TeX's proportions for a text face. InDesign's 133 % maximum is
    /// too little for 30-character columns, and 80 % minimum (tried) left 52 % of the sample's
    /// lines loose against 45 % with 67 %.
    static let spaceStretch = 0.5
    static let spaceShrink = 0.33
    /// Letters may be tracked by up to ±2 % of their width, the bound microtype's font expansion
    /// keeps to: used only for what the word spaces cannot take (see `LineAssembler`), it is
    /// what keeps a 30-character line from a river. Measured on the sample issue at 134 pt, it
    /// takes the share of lines with spaces over 150 % from 45 % to 29 %.
    static let letterStretch = 0.02
    static let letterShrink = 0.02
    /// Ragged lines: the white a line may leave at its end before it counts as bad (3 ems,
    /// Knuth & Plass's value for ragged-right setting).
    static let raggedStretchEms = 3.0

    /// TeX's \hyphenpenalty and \exhyphenpenalty: what a break at a hyphen costs. 50 lets a
    /// narrow column hyphenate where that saves a loose line; the consecutive-hyphen demerits
    /// and the hard limit of two keep it from stacking hyphens.
    static let hyphenPenalty = 50.0
    /// A break after a word's own hyphen (`Jean-|Baptiste`) or after a dash joining two words
    /// (`road—|and`): allowed, but dear. Text extraction (pdftotext) takes a hyphen at a line's
    /// end for a hyphenation and drops it, and splits a dashed pair into two words; so these
    /// breaks are for when nothing else sets the paragraph well.
    static let explicitHyphenPenalty = 500.0
    static let dashPenalty = 500.0
    /// A break inside a web or e-mail address, after `/`, `.` and the like, with no hyphen.
    static let addressPenalty = 100.0
    /// A break inside a word wider than the column, where nothing better exists: marked by this
    /// cost, and charged `emergencyDemerits` (10¹², more than a line holding one word and a
    /// gap, whose badness is capped at r = 10: 10¹⁰).
    static let emergencyPenalty = 1_000.0
    static let emergencyDemerits = 1e12
}

/// Turns styled runs into shaped pieces and Knuth–Plass items.
struct ItemBuilder {
    let shaper: Shaper
    let hyphenation: Hyphenation
    let breakCache: BreakCache
    let settings: ItemSettings

    private(set) var pieces: [Piece] = []
    private(set) var items: [Item] = []
    private(set) var missing: [Character] = []
    /// Each run's style and the paragraph's language, as the shaper numbers them.
    private var runStyles: [Int] = []
    /// A word's segments and their shapes, kept between words so that their storage is reused.
    private var segmentScratch: [(bytes: [UInt8]?, range: Range<Int>, run: Int, softHyphens: [Int])] = []
    private var shapeScratch: [ShapedText] = []

    init(shaper: Shaper, hyphenation: Hyphenation, breakCache: BreakCache, settings: ItemSettings) {
        self.shaper = shaper
        self.hyphenation = hyphenation
        self.breakCache = breakCache
        self.settings = settings
    }

    private enum CharacterClass { case word, space, nonBreakingSpace, zeroWidthBreak, hardBreak, softHyphen }

    /// By the character's first scalar: comparing Characters is a string comparison, and this
    /// runs for every character of every paragraph.
    private static func classify(_ c: Character) -> CharacterClass {
        let scalars = c.unicodeScalars
        guard let first = scalars.first else { return .word }
        switch first.value {
        case 0x0A, 0x0D, 0x2028: return .hardBreak
        case 0x20, 0x09, 0x2002...0x2006, 0x2008...0x200A, 0x205F, 0x3000:
            return scalars.count == 1 ? .space : .word
        case 0xA0, 0x2007: return .nonBreakingSpace
        case 0x200B: return .zeroWidthBreak
        case 0xAD: return .softHyphen
        default: return .word
        }
    }

    /// Appends the characters of `utf8` when each is a single scalar that never joins its
    /// neighbours into one character (ASCII but CR, Latin-1 but its controls, Latin Extended-A
    /// and B, general punctuation but the joiners, currency signs): what most text with curly
    /// quotes and dashes is, read without breaking it into grapheme clusters. False, with
    /// nothing appended, for anything else.
    private static func appendSimpleScalars(_ utf8: [UInt8], run: Int32, to chars: inout [Styled]) -> Bool {
        func simple(_ v: UInt32) -> Bool {
            switch v {
            case 0x00..<0x80: return v != 0x0D
            case 0xA0...0x24F: return true
            case 0x2000...0x200B, 0x2010...0x2027, 0x2030...0x205E: return true
            case 0x20A0...0x20C0: return true
            default: return false
            }
        }
        let start = chars.count
        var i = 0
        while i < utf8.count {
            let b = utf8[i]
            var v: UInt32, length: Int
            if b < 0x80 { (v, length) = (UInt32(b), 1) }
            else if b < 0xE0 { (v, length) = (UInt32(b & 0x1F), 2) }
            else if b < 0xF0 { (v, length) = (UInt32(b & 0x0F), 3) }
            else { (v, length) = (UInt32(b & 0x07), 4) }
            guard i + length <= utf8.count else { chars.removeSubrange(start...); return false }
            for k in 1..<max(1, length) { v = v << 6 | UInt32(utf8[i + k] & 0x3F) }
            guard simple(v) else { chars.removeSubrange(start...); return false }
            let kind: CharacterClass
            switch v {
            case 0x0A, 0x2028: kind = .hardBreak
            case 0x20, 0x09, 0x2002...0x2006, 0x2008...0x200A: kind = .space
            case 0xA0, 0x2007: kind = .nonBreakingSpace
            case 0x200B: kind = .zeroWidthBreak
            case 0xAD: kind = .softHyphen
            default: kind = .word
            }
            chars.append(Styled(run: run, kind: kind, byte: length == 1 ? b : 0, start: Int32(i), end: Int32(i + length)))
            i += length
        }
        return true
    }

    /// A character of the paragraph: the run it came from and where its bytes lie in that run's
    /// UTF-8; `byte` is the character when it is ASCII, else 0. No `Character` is kept: copying
    /// one costs a retain and a release, and this is made for every character set.
    private struct Styled {
        var run: Int32
        var kind: CharacterClass
        var byte: UInt8
        var start: Int32
        var end: Int32
    }

    /// Each run's text as UTF-8, for the paragraph being built.
    private var runBytes: [[UInt8]] = []

    /// The ASCII characters as one-character strings, made once.
    private static let asciiStrings: [String] = (0..<128).map { String(Character(Unicode.Scalar(UInt8($0)))) }

    /// The text of `chars[i]`.
    private func text(of c: Styled) -> String {
        c.byte != 0 ? Self.asciiStrings[Int(c.byte)] : String(decoding: runBytes[Int(c.run)][Int(c.start)..<Int(c.end)], as: UTF8.self)
    }

    mutating func build(_ runs: [TextRun]) throws(FontError) {
        runStyles = runs.map { shaper.number(of: $0.style, language: settings.language) }
        runBytes = runs.map { Array($0.text.utf8) }
        let byteCount = runBytes.reduce(0) { $0 + $1.count }
        var chars: [Styled] = []
        chars.reserveCapacity(byteCount)
        // About an item for every two characters (a word's box, its space, a hyphenation
        // point or two): reserved once rather than grown, as items are large.
        items.reserveCapacity(byteCount / 2 + 8)
        for (index, run) in runs.enumerated() {
            // ASCII without a carriage return (which joins a following line feed into one
            // character) is a character per byte: no grapheme breaking.
            let utf8 = runBytes[index]
            if utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) {
                for (offset, b) in utf8.enumerated() {
                    let kind: CharacterClass = b == 0x0A ? .hardBreak : b == 0x20 || b == 0x09 ? .space : .word
                    chars.append(Styled(run: Int32(index), kind: kind, byte: b, start: Int32(offset), end: Int32(offset + 1)))
                }
            } else if Self.appendSimpleScalars(utf8, run: Int32(index), to: &chars) {
                // Every character one scalar that cannot join another (see below).
            } else {
                var offset = 0
                for c in run.text {
                    let count = c.utf8.count
                    // A one-byte character is ASCII.
                    chars.append(Styled(run: Int32(index), kind: Self.classify(c), byte: count == 1 ? utf8[offset] : 0,
                                        start: Int32(offset), end: Int32(offset + count)))
                    offset += count
                }
            }
        }
        // Leading and trailing white space sets nothing.
        let leading = chars.prefix { $0.kind == .space }.count
        let trailing = chars.reversed().prefix { $0.kind == .space || $0.kind == .hardBreak }.count
        let body = chars.count - leading - trailing > 0 ? chars[leading..<(chars.count - trailing)] : []

        if settings.firstLineIndent > 0 { items.append(.box(settings.firstLineIndent)) }
        var i = body.startIndex
        while i < body.endIndex {
            switch body[i].kind {
            case .space, .nonBreakingSpace:
                var j = i
                var breakable = false
                while j < body.endIndex, body[j].kind == .space || body[j].kind == .nonBreakingSpace {
                    if body[j].kind == .space { breakable = true }
                    j += 1
                }
                // Several spaces make one; a tab sets as a word space; a no-break, thin or figure
                // space keeps its own character (and width).
                let isTab = body[i].byte == 0x09
                let character = breakable && (isTab || body[i].kind != .space) ? " " : text(of: body[i])
                try appendSpace(character, style: runStyles[Int(body[max(body.startIndex, i - 1)].run)], breakable: breakable)
                i = j
            case .hardBreak:
                items.append(.glue(0, stretch: Item.fill, shrink: 0))
                items.append(.penalty(-Item.infinity))
                i += 1
            case .zeroWidthBreak:
                items.append(.penalty(0))
                i += 1
            case .word, .softHyphen:
                var j = i
                while j < body.endIndex, body[j].kind == .word || body[j].kind == .softHyphen { j += 1 }
                try appendWord(body[i..<j], runs: runs)
                i = j
            }
        }
        // The paragraph's end: fill the last line and force the break (TeX's \parfillskip).
        items.append(.penalty(Item.infinity))
        items.append(.glue(0, stretch: Item.fill, shrink: 0))
        items.append(.penalty(-Item.infinity))
    }

    private mutating func addPiece(_ text: String, style: Int, link: String?, struck: Bool) throws(FontError) -> Int {
        try addPiece(shaper.shape(text, style: style), link: link, struck: struck)
    }

    private mutating func addPiece(_ shaped: ShapedText, link: String?, struck: Bool) -> Int {
        for c in shaped.missing where !missing.contains(c) { missing.append(c) }
        pieces.append(Piece(shaped: shaped, link: link, struck: struck))
        return pieces.count - 1
    }

    /// A word space. A non-breaking one stretches like any other but is no place to break: the
    /// infinite penalty before it means the glue does not follow a box.
    private mutating func appendSpace(_ character: String, style: Int, breakable: Bool) throws(FontError) {
        let piece = character == " " ? addPiece(try shaper.shapeSpace(style: style), link: nil, struck: false)
            : try addPiece(character, style: style, link: nil, struck: false)
        let width = pieces[piece].shaped.width
        if !breakable { items.append(.penalty(Item.infinity)) }
        if !settings.justified && !breakable {
            items.append(.glue(width, stretch: 0, shrink: 0, content: .space(piece: piece)))
        } else if settings.justified {
            items.append(.glue(width, stretch: width * ItemSettings.spaceStretch, shrink: width * ItemSettings.spaceShrink,
                               content: .space(piece: piece)))
        } else {
            // Knuth & Plass's ragged setting: the stretch sits before a break and is taken back
            // after it, so an unbroken space stays its natural width.
            let rag = ItemSettings.raggedStretchEms * shaper.style(style).size
            items.append(.glue(0, stretch: rag, shrink: 0))
            items.append(.penalty(0))
            items.append(.glue(width, stretch: -rag, shrink: 0, content: .space(piece: piece)))
        }
    }

    /// A word: one or more style runs without a space, cut where it may break.
    private mutating func appendWord(_ chars: ArraySlice<Styled>, runs: [TextRun]) throws(FontError) {
        // Most words: one run, no soft hyphen; set without the arrays of segments below.
        guard let first = chars.first else { return }
        if !chars.contains(where: { $0.run != first.run || $0.kind == .softHyphen }) {
            let run = Int(first.run), from = Int(first.start), to = Int(chars[chars.endIndex - 1].end)
            guard to > from else { return }
            let shaped = try Self.shape(runBytes[run], from..<to, style: runStyles[run], with: shaper)
            try appendSegment(shaped, run: run, softHyphens: [], wordHasSoftHyphen: false, isAddress: shaped.isAddress, runs: runs)
            return
        }
        var hasSoftHyphen = false
        var segmentStart = chars.startIndex
        // Each segment's bytes: a range of its run's, or (soft hyphens taken out) its own.
        var segments: [(bytes: [UInt8]?, range: Range<Int>, run: Int, softHyphens: [Int])] = []
        swap(&segments, &segmentScratch)
        segments.removeAll(keepingCapacity: true)
        defer { segmentScratch = segments }
        while segmentStart < chars.endIndex {
            let run = chars[segmentStart].run
            var end = segmentStart
            var hasSoft = false
            while end < chars.endIndex, chars[end].run == run {
                if chars[end].kind == .softHyphen { hasSoft = true }
                end += 1
            }
            // The segment's bytes in its run, soft hyphens taken out and their places kept.
            let from = Int(chars[segmentStart].start), to = Int(chars[end - 1].end)
            if !hasSoft {
                if to > from { segments.append((nil, from..<to, Int(run), [])) }
            } else {
                hasSoftHyphen = true
                let bytes = runBytes[Int(run)]
                var kept: [UInt8] = []
                var offsets: [Int] = []
                for i in segmentStart..<end {
                    if chars[i].kind == .softHyphen {
                        offsets.append(kept.count)
                    } else {
                        kept += bytes[Int(chars[i].start)..<Int(chars[i].end)]
                    }
                }
                if !kept.isEmpty { segments.append((kept, 0..<kept.count, Int(run), offsets)) }
            }
            segmentStart = end
        }
        var shapes: [ShapedText] = []
        swap(&shapes, &shapeScratch)
        shapes.removeAll(keepingCapacity: true)
        defer { shapeScratch = shapes }
        for segment in segments {
            shapes.append(try Self.shape(segment.bytes ?? runBytes[segment.run], segment.range, style: runStyles[segment.run], with: shaper))
        }
        let isAddress = shapes.count == 1 ? shapes[0].isAddress : Self.isAddress(shapes.map(\.text).joined())
        for (index, segment) in segments.enumerated() {
            try appendSegment(shapes[index], run: segment.run, softHyphens: segment.softHyphens, wordHasSoftHyphen: hasSoftHyphen,
                              isAddress: isAddress, runs: runs)
        }
    }

    /// `range` of `bytes` shaped in `style` (a run's, as the shaper numbers them): looked up by
    /// its bytes, the text made as a string only for a word not shaped before. Static: called
    /// from a mutating method, a method on self made a copy of the whole builder (its arrays
    /// retained and released) for every word.
    private static func shape(_ bytes: [UInt8], _ range: Range<Int>, style: Int, with shaper: Shaper) throws(FontError) -> ShapedText {
        try bytes.withUnsafeBufferPointer { all throws(FontError) -> ShapedText in
            let word = UnsafeBufferPointer(rebasing: all[range])
            return try shaper.shape(utf8: word, style: style) { String(decoding: word, as: UTF8.self) }
        }
    }

    /// One segment of a word (a run's part of it) as boxes, with penalties where it may break.
    private mutating func appendSegment(_ shaped: ShapedText, run: Int, softHyphens: [Int], wordHasSoftHyphen: Bool,
                                        isAddress: Bool, runs: [TextRun]) throws(FontError) {
        // The run's link and strike only: copying the whole run (its text and style) for
        // every word costs a retain and release of each of their strings.
        let link = runs[run].link, struck = runs[run].struck
        let piece = addPiece(shaped, link: link, struck: struck)
        let overWide = shaped.width > settings.measure
        let hyphenate = settings.hyphenate && !wordHasSoftHyphen
        // (Made only when the breaks are worked out or looked up by it.)
        func key() -> BreakCache.Key {
            BreakCache.Key(text: shaped.text, style: runStyles[run], softHyphens: softHyphens,
                           hyphenate: hyphenate, isAddress: isAddress, overWide: overWide)
        }
        let breaks: [BreakCache.Break]
        if softHyphens.isEmpty {
            // Kept with the shaped text: no hashing of the word again.
            let flags = (hyphenate ? 4 : 0) | (isAddress ? 2 : 0) | (overWide ? 1 : 0)
            if let known = shaped.breaks[flags] {
                breaks = known
            } else {
                breaks = computeBreaks(key(), shaped: shaped)
                shaped.breaks[flags] = breaks
            }
        } else {
            let key = key()
            breaks = breakCache.breaks(for: key) { computeBreaks(key, shaped: shaped) }
        }
        var from = 0
        for b in breaks {
            appendBox(piece: piece, bytes: from..<b.offset)
            var penalty: Item
            if b.hyphen {
                let hyphen = addPiece(try shaper.shapeHyphen(style: runStyles[run]), link: link, struck: struck)
                penalty = .penalty(b.cost, width: pieces[hyphen].shaped.width, flagged: true, content: .hyphen(piece: hyphen))
                if settings.hangingPunctuation {
                    penalty.rightHang = (ItemSettings.rightHang["-"] ?? 0) * pieces[hyphen].shaped.width
                }
            } else {
                // An explicit hyphen or dash ends the box: a break after it is a hyphenated line.
                let before = shaped.text.utf8.prefix(b.offset).last
                penalty = .penalty(b.cost, flagged: before == UInt8(ascii: "-"))
            }
            penalty.isInsideToken = overWide || isAddress
            penalty.isDictionaryHyphen = b.dictionary
            if b.cost >= ItemSettings.emergencyPenalty {
                penalty.penalty = 0
                penalty.extraDemerits = ItemSettings.emergencyDemerits
            }
            items.append(penalty)
            from = b.offset
        }
        appendBox(piece: piece, bytes: from..<shaped.text.utf8.count)
    }

    private mutating func appendBox(piece: Int, bytes: Range<Int>) {
        guard !bytes.isEmpty else { return }
        let width = pieces[piece].shaped.width(of: bytes)
        var box = Item.box(width, stretch: settings.justified ? width * ItemSettings.letterStretch : 0,
                           content: .glyphs(piece: piece, bytes: bytes))
        box.shrink = settings.justified ? width * ItemSettings.letterShrink : 0
        if settings.hangingPunctuation {
            let shaped = pieces[piece].shaped
            let text = String(decoding: shaped.utf8[bytes], as: UTF8.self)
            if let first = text.unicodeScalars.first, let share = ItemSettings.leftHang[first] {
                box.leftHang = share * shaped.width(of: bytes.lowerBound..<(bytes.lowerBound + String(first).utf8.count))
            }
            if let last = text.unicodeScalars.last, let share = ItemSettings.rightHang[last] {
                box.rightHang = share * shaped.width(of: (bytes.upperBound - String(last).utf8.count)..<bytes.upperBound)
            }
        }
        items.append(box)
    }
}

/// The breaks of word segments with soft hyphens, computed once per text, style and setting
/// (other words keep theirs with their shaped text, `ShapedText.breaks`).
final class BreakCache {
    struct Key: Hashable {
        var text: String
        /// The style and language as the shaper numbers them: breaks fall between clusters,
        /// and a style's ligatures make its own clusters.
        var style: Int
        var softHyphens: [Int]
        var hyphenate: Bool
        var isAddress: Bool
        var overWide: Bool

        /// The text, and one integer for the rest (soft hyphens are rare): this is hashed for
        /// every word set.
        func hash(into hasher: inout Hasher) {
            hasher.combine(text)
            hasher.combine(style << 3 | (hyphenate ? 4 : 0) | (isAddress ? 2 : 0) | (overWide ? 1 : 0))
            if !softHyphens.isEmpty { hasher.combine(softHyphens) }
        }
    }

    struct Break {
        var offset: Int
        var cost: Double
        var hyphen: Bool
        /// From the hyphenation dictionary (not a soft hyphen the author put in).
        var dictionary = false
    }

    /// (Unchecked exclusivity: one thread's, looked up for every word.)
    @exclusivity(unchecked) private var cache: [Key: [Break]] = [:]

    func breaks(for key: Key, compute: () -> [Break]) -> [Break] {
        if let hit = cache[key] { return hit }
        let value = compute()
        cache[key] = value
        return value
    }
}
