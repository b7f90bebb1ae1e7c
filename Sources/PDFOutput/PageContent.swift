import Foundation
import PageMakeup
import Typesetting

/// A page's content stream: its rules, fills, pictures and text (see `PDFRenderer`).
extension PDFRenderer {
    /// A page's content stream: its drawing in user space with y down from the page's top-left
    /// corner (the display list's), the trim's corner when the page is enlarged for press.
    /// Reads only what the first pass settled.
    func content(of page: DisplayPage, margin: Double, fonts: [ObjectIdentifier: UsedFont],
                         pictures: [String: (name: String, object: Int)], conflicts: [Int]) -> [UInt8] {
        let height = page.height + 2 * margin
        var content = ContentStream()
        var claims = ClusterClaims(conflicts: conflicts)
        var text = TextState()
        content.op("q 1 0 0 -1 ")
        content.number(margin)
        content.number(height - margin)
        content.op("cm\n")
        for item in page.items {
            // Paths and pictures may not be drawn inside a text object: each closes the one open.
            switch item {
            case .glyphs(let run, let origin):
                show(run, at: origin, font: fonts[ObjectIdentifier(run.face)]!, claims: &claims, text: &text, into: &content)
            case .rule(let from, let to, let lineWidth, let gray):
                text.close(into: &content)
                content.number(gray.level)
                content.op("G ")
                content.number(lineWidth)
                content.op("w ")
                content.number(from.x); content.number(from.y)
                content.op("m ")
                content.number(to.x); content.number(to.y)
                content.op("l S\n")
            case .fill(let rect, let gray):
                text.close(into: &content)
                content.number(gray.level)
                content.op("g ")
                text.fill = gray.level
                content.number(rect.x); content.number(rect.y); content.number(rect.width); content.number(rect.height)
                content.op("re f\n")
            case .image(let image, let rect):
                guard rect.width > 0, rect.height > 0, let picture = pictures[image.path] else { continue }
                text.close(into: &content)
                // The unit square, its top row at the rectangle's top.
                content.op("q ")
                content.number(rect.width)
                content.op("0 0 ")
                content.number(-rect.height)
                content.number(rect.x)
                content.number(rect.y + rect.height)
                content.op("cm /")
                content.raw(picture.name)
                content.op(" Do Q\n")
            case .link:
                // An annotation of the page, drawn nothing here: the text object goes on.
                break
            }
        }
        text.close(into: &content)
        content.op("Q\n")
        if let press = options.press { cropMarks(page: page, bleed: press.bleed, height: height, into: &content) }
        return content.bytes
    }

    /// What the text drawn so far on a page has set, so that a run sets only what differs: the
    /// page's lines share text objects, their color, font and size set once for all the lines
    /// that have them (each line's own text object, color and font were about a sixth of a
    /// page's bytes, all of them through the compressor). It is drawn the same.
    struct TextState {
        /// Inside `BT … ET`.
        var isOpen = false
        /// The font's resource name and size last set (text state outlasts a text object).
        var font: String?
        var size = Double.nan
        /// The fill gray last set; nil before any.
        var fill: Double?

        /// Ends the text object, if one is open.
        mutating func close(into content: inout ContentStream) {
            guard isOpen else { return }
            content.op("ET\n")
            isOpen = false
        }

        /// Begins a text object if none is open, in black, with `font` at `size`.
        mutating func open(font name: String, size: Double, into content: inout ContentStream) {
            if fill != 0 {
                content.op("0 g ")
                fill = 0
            }
            if !isOpen {
                content.op("BT ")
                isOpen = true
            }
            if name != font || size != self.size {
                content.op("/")
                content.raw(name)
                content.space()
                content.number(size)
                content.op("Tf ")
                font = name
                self.size = size
            }
        }
    }

    /// A page's clusters in order, counted as the first pass claims their glyphs' texts and as
    /// the content shows them; `conflicts` lists those whose glyph stood for another text first.
    struct ClusterClaims {
        var conflicts: [Int] = []
        var index = 0
        var next = 0

        /// Counts a cluster; whether it is one of the conflicts (when showing).
        mutating func nextConflicts() -> Bool {
            defer { index += 1 }
            guard next < conflicts.count, conflicts[next] == index else { return false }
            next += 1
            return true
        }
    }

    /// The first pass over a run: its glyphs marked shown (their widths read), and each
    /// cluster's text claimed by its first glyph, a conflict noted where the glyph has another.
    func claim(_ run: GlyphRun, font: UsedFont, into claims: inout ClusterClaims) {
        guard !run.glyphs.isEmpty else { return }
        let glyphs = run.glyphs
        for glyph in glyphs { font.show(glyph.id) }
        var string = run.text
        string.withUTF8 { text in
            guard Self.mapped(run, textCount: text.count) else { return }
            var byte = 0, index = 0
            for cluster in run.clusters {
                let from = index, to = index + cluster.glyphCount
                let piece = text[byte..<(byte + cluster.byteCount)]
                byte += cluster.byteCount
                index = to
                guard to > from else { continue }
                if font.conflicts(glyphs[from].id, with: piece) { claims.conflicts.append(claims.index) }
                claims.index += 1
            }
        }
    }

    /// Whether a run's clusters add up to its text and glyphs (a run whose clusters do not is a
    /// typesetting bug; its glyphs are still shown).
    static func mapped(_ run: GlyphRun, textCount: Int) -> Bool {
        run.clusters.reduce(0) { $0 + $1.byteCount } == textCount && run.clusters.reduce(0) { $0 + $1.glyphCount } == run.glyphs.count
    }

    // MARK: Text

    /// A run's glyphs in the page's current text object (see `TextState`): `TJ` arrays whose
    /// numbers move each glyph from where the font's advance leaves it to where the typesetter
    /// put it.
    private func show(_ run: GlyphRun, at origin: Point, font: UsedFont, claims: inout ClusterClaims,
                      text state: inout TextState, into content: inout ContentStream) {
        guard !run.glyphs.isEmpty else { return }
        let text = run.text.utf8
        let mapped = Self.mapped(run, textCount: text.count)
        let size = run.size
        state.open(font: font.name, size: size, into: &content)

        var pen = 0.0            // where the font's advances have left the pen, in user space
        var baseline = Double.nan
        var open = false         // inside `[…] TJ`
        var inString = false     // inside a `(…)` string within it
        func closeString() { if inString { content.op(")"); inString = false } }
        func closeArray() { closeString(); if open { content.op("] TJ\n"); open = false } }

        func place(_ glyph: PositionedGlyph) {
            let x = origin.x + glyph.x, y = origin.y - glyph.y
            if y != baseline {
                closeArray()
                // Each line placed whole, not moved to from the line before (`Td`): a move is
                // added up by the reader in floating point and may land a hair off the place
                // written, enough to turn a rasterizer's rounding or a text extractor's order.
                content.op("1 0 0 -1 ")
                content.number(x)
                content.number(y)
                content.op("Tm\n")
                baseline = y
                pen = x
            }
            if !open { content.op("["); open = true }
            // In whole thousandths of the size, as TeX's drivers and Cairo write them (at 9.5 pt
            // 0.005 pt at most, and never adding up: each glyph is placed from where it should be).
            let shift = ((pen - x) * 1000 / size).rounded()
            if shift != 0 {
                closeString()
                content.adjustment(shift)
            }
            if !inString { content.op("("); inString = true }
            content.glyph(glyph.id)
            pen = pen - shift * size / 1000 + font.width(glyph.id) * size / 1000
        }

        guard mapped else {
            // A run whose clusters do not add up is a typesetting bug; still show the glyphs.
            assertionFailure("clusters of '\(run.text)' do not cover its text and glyphs")
            for glyph in run.glyphs { place(glyph) }
            closeArray()
            return
        }
        var byte = 0, index = 0
        let glyphs = run.glyphs
        for cluster in run.clusters {
            let from = index, to = index + cluster.glyphCount
            let pieceStart = byte
            byte += cluster.byteCount
            index = to
            guard to > from else { continue }
            // The first glyph of a cluster stands for its text; a glyph already standing for
            // another text keeps it, and this cluster gets its own as ActualText.
            if claims.nextConflicts() {
                let piece = text.dropFirst(pieceStart).prefix(cluster.byteCount)
                closeArray()
                content.op("/Span << /ActualText ")
                content.raw(PDFFile.text(String(decoding: piece, as: UTF8.self)))
                content.op(" >> BDC\n")
                for g in from..<to { place(glyphs[g]) }
                closeArray()
                content.op("EMC\n")
            } else {
                for g in from..<to { place(glyphs[g]) }
            }
        }
        closeArray()
        if run.struck {
            state.close(into: &content)
            let y = origin.y - run.rise - run.size * 0.28
            content.op("0 G ")
            content.number(max(0.4, run.size * 0.05))
            content.op("w ")
            content.number(origin.x + run.x); content.number(y)
            content.op("m ")
            content.number(origin.x + run.x + run.width); content.number(y)
            content.op("l S\n")
        }
    }
}
