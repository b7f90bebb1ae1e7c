/// Chosen breaks to lines of positioned glyphs: spaces and letters stretched or shrunk by the
/// line's adjustment, glyph runs split by face, size and link, every cluster mapped to its text.
struct LineAssembler {
    let items: [Item]
    let pieces: [Piece]
    let measure: Double
    let format: ParagraphFormat

    func lines(breaks: [Int], overfull: Set<Int>) -> [SetLine] {
        var out: [SetLine] = []
        var start = firstItem(after: -1)
        for (index, end) in breaks.enumerated() {
            if let line = line(from: start, to: end, isLast: index == breaks.count - 1, overfull: overfull.contains(index)) {
                out.append(line)
            }
            start = firstItem(after: end)
        }
        return out
    }

    /// The first item of a line that starts after a break at `index`: discardable glue and
    /// penalties after the break are skipped.
    private func firstItem(after index: Int) -> Int {
        var i = index + 1
        while i < items.count, items[i].kind != .box {
            if items[i].kind == .penalty && items[i].penalty <= -Item.infinity { break }
            i += 1
        }
        return i
    }

    private func line(from start: Int, to end: Int, isLast: Bool, overfull: Bool) -> SetLine? {
        guard start <= end, end < items.count else { return nil }
        let breakItem = items[end]
        let hyphenPiece: Int? = { if case .hyphen(let p) = breakItem.content { return p } else { return nil } }()

        // Measures of the line: its items but the penalties.
        var natural = 0.0, letterStretch = 0.0, letterShrink = 0.0, spaceStretch = 0.0, spaceShrink = 0.0, fill = false
        var expected = 1
        var firstBox: Int?
        for i in start..<end {
            let item = items[i]
            switch item.kind {
            case .box:
                natural += item.width
                letterStretch += item.stretch
                letterShrink += item.shrink
                if firstBox == nil { firstBox = i }
                if case .glyphs(_, let bytes) = item.content { expected += bytes.count }
            case .glue:
                natural += item.width
                if item.stretch >= Item.fill { fill = true }
                if case .space = item.content { spaceStretch += item.stretch; spaceShrink += item.shrink; expected += 1 }
            case .penalty: break
            }
        }
        if let hyphenPiece { natural += pieces[hyphenPiece].shaped.width }
        // Trailing glue without content (rag, fill) sets nothing: the walk stops before it.
        var walkEnd = end
        while walkEnd > start, items[walkEnd - 1].kind != .box, items[walkEnd - 1].kind == .penalty || !isSpace(items[walkEnd - 1]) {
            walkEnd -= 1
        }

        // Hanging punctuation widens the measure by what hangs out.
        let hangLeft = LineBreaker.leftHang(items, firstBox: firstBox)
        let hangRight = LineBreaker.rightHang(items, at: end)
        let available = measure + hangLeft + hangRight
        let shortfall = available - natural
        let justify = format.alignment == .justified && !fill && !isLast
        // A last line may have been fitted by shrinking: shrink it as the breaker did.
        let shrinkOnly = format.alignment == .justified && !justify && shortfall < 0

        // Word spaces take a stretch or shrink first, up to their limits (150 %, 67 %); letters
        // are tracked only for what is left, up to theirs; anything beyond goes to the spaces.
        // The breaker chose the line for its total adjustment, `reported`.
        var letterRatio = 0.0, spaceRatio = 0.0, reported = 0.0
        if shortfall >= 0 && justify {
            let total = letterStretch + spaceStretch
            reported = total > 0 ? shortfall / total : .infinity
            let toSpaces = min(shortfall, spaceStretch)
            let toLetters = min(shortfall - toSpaces, letterStretch)
            letterRatio = letterStretch > 0 ? toLetters / letterStretch : 0
            spaceRatio = spaceStretch > 0 ? (shortfall - toLetters) / spaceStretch : 0
        } else if shortfall < 0 && (justify || shrinkOnly) {
            let total = spaceShrink + letterShrink
            reported = justify ? (total > 0 ? shortfall / total : -.infinity) : 0
            let fromSpaces = min(-shortfall, spaceShrink)
            let fromLetters = min(-shortfall - fromSpaces, letterShrink)
            spaceRatio = spaceShrink > 0 ? -fromSpaces / spaceShrink : 0
            letterRatio = letterShrink > 0 ? -fromLetters / letterShrink : 0
        }

        var x: Double
        switch format.alignment {
        case .justified, .left: x = -hangLeft
        case .right: x = measure - natural + hangRight
        case .center: x = (measure - natural) / 2
        }
        if format.alignment == .justified && !justify { x = -hangLeft }
        let lineStart = x
        var builder = RunBuilder(expectedGlyphs: expected)
        var spaceRatioSeen: Double?
        for i in start..<walkEnd where items[i].kind != .penalty {
            let item = items[i]
            switch item.content {
            case .glyphs(let piece, let bytes):
                x = builder.append(pieces[piece], bytes: bytes, at: x, tracking: letterRatio * (letterRatio >= 0 ? ItemSettings.letterStretch : ItemSettings.letterShrink))
            case .space(let piece):
                var width = item.width
                if justify || shrinkOnly { width += spaceRatio >= 0 ? spaceRatio * item.stretch : spaceRatio * item.shrink }
                if justify && item.width > 0 && spaceRatioSeen == nil { spaceRatioSeen = width / item.width }
                builder.appendSpace(pieces[piece], at: x)
                x += width
            case .none, .hyphen:
                x += item.width
            }
        }
        if let hyphenPiece {
            let piece = pieces[hyphenPiece]
            x = builder.append(piece, bytes: 0..<piece.shaped.utf8.count, at: x, tracking: 0)
            builder.markAddedHyphen()
        }
        let runs = builder.finish()
        guard !runs.isEmpty else { return nil }
        var ascent = -Double.infinity, descent = Double.infinity
        for run in runs {
            let scale = run.face.scale(at: run.size)
            ascent = max(ascent, run.face.ascender * scale + run.rise)
            descent = min(descent, run.face.descender * scale + run.rise)
        }
        let width = x - lineStart
        let explicitHyphen = breakItem.kind == .penalty && breakItem.flagged && hyphenPiece == nil
        return SetLine(
            runs: runs, measure: measure, width: width, naturalWidth: natural,
            ascent: ascent, descent: descent, adjustmentRatio: justify ? reported : 0,
            wordSpaceRatio: justify ? spaceRatioSeen : nil,
            isHyphenated: hyphenPiece != nil || explicitHyphen,
            breaksInsideWord: breakItem.kind == .penalty && breakItem.penalty > -Item.infinity,
            isOverfull: overfull || width - hangLeft - hangRight > measure + 0.01,
            isLast: isLast)
    }

    private func isSpace(_ item: Item) -> Bool {
        if case .space = item.content { return true } else { return false }
    }
}

/// Collects positioned glyphs into runs of one face, size, rise, link and strike. The run being
/// filled is held in fields of its own, its text as bytes, so that appending a word touches no
/// array of runs and makes no string.
struct RunBuilder {
    private var finished: [GlyphRun] = []
    /// The open run: its face (nil when none is open) and the rest of what a run holds.
    private var face: FontFace?
    private var size = 0.0, rise = 0.0, x = 0.0, width = 0.0
    private var link: String?
    private var struck = false
    private var addedHyphen = false
    private var glyphs: [PositionedGlyph] = []
    private var clusters: [TextCluster] = []
    private var text: [UInt8] = []

    /// `expectedGlyphs`: about how many glyphs the line holds (its bytes), reserved once.
    init(expectedGlyphs: Int = 16) {
        glyphs.reserveCapacity(expectedGlyphs)
        clusters.reserveCapacity(expectedGlyphs)
        text.reserveCapacity(expectedGlyphs)
    }

    /// The runs, the last one closed.
    mutating func finish() -> [GlyphRun] {
        close()
        return finished
    }

    private mutating func close() {
        guard let face else { return }
        // The run takes the glyph and cluster arrays; the next run (most lines have none)
        // starts new ones.
        finished.append(GlyphRun(face: face, size: size, rise: rise, glyphs: glyphs, text: String(decoding: text, as: UTF8.self),
                                 clusters: clusters, link: link, struck: struck, endsWithAddedHyphen: addedHyphen, x: x, width: width))
        self.face = nil
        glyphs = []
        clusters = []
        text.removeAll(keepingCapacity: true)
    }

    /// Keeps the open run when it matches, else closes it and opens a new one at `start`.
    private mutating func open(face newFace: FontFace, size newSize: Double, rise newRise: Double, link newLink: String?,
                               struck newStruck: Bool, at start: Double) {
        if let face, face === newFace, size == newSize, rise == newRise, link == newLink, struck == newStruck, !addedHyphen {
            return
        }
        close()
        face = newFace
        size = newSize
        rise = newRise
        link = newLink
        struck = newStruck
        addedHyphen = false
        x = start
        width = 0
    }

    /// Appends the glyphs of `piece` whose clusters start in `bytes`, cluster by cluster, and
    /// returns the pen position after them. `tracking` is extra advance per unit of advance.
    mutating func append(_ piece: Piece, bytes: Range<Int>, at start: Double, tracking: Double) -> Double {
        let shaped = piece.shaped
        let all = shaped.glyphs
        var pen = start
        var i = all.firstIndex { bytes.contains($0.cluster) } ?? all.count
        // Glyphs of one face in a row go into one run, their text appended in one piece.
        while i < all.count, bytes.contains(all[i].cluster) {
            let faceIndex = all[i].face
            open(face: shaped.faces[faceIndex], size: shaped.size, rise: shaped.rise, link: piece.link, struck: piece.struck, at: pen)
            let textStart = all[i].cluster
            var textEnd = bytes.upperBound
            while i < all.count, bytes.contains(all[i].cluster) {
                if all[i].face != faceIndex {
                    textEnd = all[i].cluster
                    break
                }
                let cluster = all[i].cluster
                var j = i
                while j < all.count && all[j].cluster == cluster {
                    let g = all[j]
                    glyphs.append(PositionedGlyph(id: g.id, x: pen + g.xOffset, y: g.yOffset + shaped.rise))
                    pen += g.advance * (1 + tracking)
                    j += 1
                }
                let clusterEnd = j < all.count && bytes.contains(all[j].cluster) ? all[j].cluster : bytes.upperBound
                clusters.append(TextCluster(byteCount: max(0, clusterEnd - cluster), glyphCount: j - i))
                i = j
            }
            if textEnd > textStart {
                let copied: Void? = shaped.text.utf8.withContiguousStorageIfAvailable { text.append(contentsOf: $0[textStart..<textEnd]) }
                if copied == nil { text.append(contentsOf: shaped.utf8[textStart..<textEnd]) }
            }
            width = pen - x
        }
        return pen
    }

    /// A word space: the face's space glyph, so text extraction sees the gap as a space. It
    /// takes the link and strike of the run before it.
    mutating func appendSpace(_ piece: Piece, at pen: Double) {
        let shaped = piece.shaped
        guard let glyph = shaped.glyphs.first else { return }
        let before: (link: String?, struck: Bool) = face != nil ? (link, struck) : (finished.last?.link, finished.last?.struck ?? false)
        open(face: shaped.faces[glyph.face], size: shaped.size, rise: shaped.rise, link: before.link, struck: before.struck, at: pen)
        glyphs.append(PositionedGlyph(id: glyph.id, x: pen, y: 0))
        let count = text.count
        text.append(contentsOf: shaped.text.utf8)
        clusters.append(TextCluster(byteCount: text.count - count, glyphCount: 1))
        width = pen + glyph.advance - x
    }

    mutating func markAddedHyphen() {
        if face != nil {
            addedHyphen = true
        } else if !finished.isEmpty {
            finished[finished.count - 1].endsWithAddedHyphen = true
        }
    }
}
