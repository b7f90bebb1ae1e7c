import CHarfBuzz
import Foundation

/// One glyph of shaped text, in points, positioned relative to the pen.
struct ShapedGlyph {
    var id: UInt32
    /// Index into `ShapedText.faces`.
    var face: Int
    var advance: Double
    var xOffset: Double
    var yOffset: Double
    /// The UTF-8 offset, in the original text, of the character (cluster) this glyph sets.
    var cluster: Int
}

/// A word (or any text without breaks) shaped in one style: glyphs with their clusters, so
/// the text can be cut at cluster boundaries and mapped back character by character.
final class ShapedText {
    let text: String
    let style: TextStyle
    /// The size glyphs are set at (smaller than the style's for a superscript).
    let size: Double
    /// Raise of the baseline, in points (positive up).
    let rise: Double
    let faces: [FontFace]
    let glyphs: [ShapedGlyph]
    /// Characters no face has.
    let missing: [Character]

    init(text: String, style: TextStyle, size: Double, rise: Double, faces: [FontFace], glyphs: [ShapedGlyph], missing: [Character]) {
        self.text = text
        self.style = style
        self.size = size
        self.rise = rise
        self.faces = faces
        self.glyphs = glyphs
        self.missing = missing
        self.width = glyphs.reduce(0) { $0 + $1.advance }
    }

    let width: Double

    /// Whether the text is a web or e-mail address (see `ItemBuilder.isAddress`).
    lazy var isAddress: Bool = ItemBuilder.isAddress(text)

    /// The breaks found in this text (without soft hyphens), by the flags they were found
    /// under (hyphenating 4, an address 2, wider than the column 1): a shaped text is one
    /// thread's and one language's, so its breaks are kept with it rather than hashed again.
    var breaks: [[BreakCache.Break]?] = [nil, nil, nil, nil, nil, nil, nil, nil]

    /// Width of the glyphs whose clusters start in `bytes`.
    func width(of bytes: Range<Int>) -> Double {
        glyphs.reduce(0) { bytes.contains($1.cluster) ? $0 + $1.advance : $0 }
    }

    /// UTF-8 offsets where a glyph cluster starts: the only places the text may be cut without
    /// splitting a ligature.
    lazy var clusterStarts: [Bool] = {
        var starts = [Bool](filling: false, count: text.utf8.count + 1)
        for glyph in glyphs where glyph.cluster >= 0 && glyph.cluster < starts.count { starts[glyph.cluster] = true }
        return starts
    }()

    func isClusterStart(_ offset: Int) -> Bool {
        offset >= 0 && offset < clusterStarts.count && clusterStarts[offset]
    }

    lazy var utf8: [UInt8] = Array(text.utf8)
}

/// HarfBuzz shaping with font fallback, cached per text and style: each word is shaped once
/// per style however often it occurs, and paragraphs are broken without shaping again.
final class Shaper {
    let fonts: FontLibrary
    /// Shaped texts by their bytes and style number: an open-addressed table, at most half full,
    /// with each slot's hash beside it in `hashes` (0 for an empty slot), so that probing reads
    /// no entry (reading one takes and gives back a reference to its bytes and its shaped text).
    /// Made for 2,048 texts, which a story of some length has: growing from a small table moved
    /// every entry again at each doubling. (Unchecked exclusivity here and below: a shaper
    /// serves one thread, and this is looked up for every word set.)
    @exclusivity(unchecked) private var hashes = [UInt64](repeating: 0, count: 4096)
    @exclusivity(unchecked) private var table: [(style: Int, bytes: [UInt8], shaped: ShapedText)?]
        = Array(repeating: nil, count: 4096)
    private var stored = 0
    @exclusivity(unchecked) private var chains: [FaceKey: [FontFace]] = [:]
    /// Styles with their language, numbered: a word's cache key holds the number, so looking a
    /// word up hashes its text and one integer, not a style's family, size, flags and features.
    private var styleNumbers: [StyleKey: Int] = [:]
    @exclusivity(unchecked) private var styles: [StyleKey] = []

    private struct StyleKey: Hashable {
        var style: TextStyle
        var language: String
    }

    private struct FaceKey: Hashable {
        var family: String
        var bold: Bool
        var italic: Bool
    }

    /// One HarfBuzz buffer, cleared for each text: a shaper serves one thread.
    private let buffer: OpaquePointer = hb_buffer_create()
    /// Per style number: its features, and its language as HarfBuzz knows it.
    @exclusivity(unchecked) private var styleFeatures: [[hb_feature_t]] = []
    @exclusivity(unchecked) private var styleLanguages: [hb_language_t?] = []
    /// Per face: which ASCII characters it has (the common case, checked without FreeType).
    @exclusivity(unchecked) private var asciiCoverage: [ObjectIdentifier: [Bool]] = [:]

    init(fonts: FontLibrary) {
        self.fonts = fonts
    }

    deinit { hb_buffer_destroy(buffer) }

    /// Each style number's chain of faces, once asked for: looked up for every word shaped.
    @exclusivity(unchecked) private var chainsByNumber: [[FontFace]?] = []

    /// The chain of faces of the style numbered `number`.
    private func faceChain(number: Int) throws(FontError) -> [FontFace] {
        if number < chainsByNumber.count, let chain = chainsByNumber[number] { return chain }
        let chain = try faceChain(for: styles[number].style)
        while chainsByNumber.count <= number { chainsByNumber.append(nil) }
        chainsByNumber[number] = chain
        return chain
    }

    /// The requested face, then the library's fallbacks.
    func faceChain(for style: TextStyle) throws(FontError) -> [FontFace] {
        let key = FaceKey(family: style.family, bold: style.bold, italic: style.italic)
        if let chain = chains[key] { return chain }
        let primary = try fonts.face(family: style.family, bold: style.bold, italic: style.italic)
        let chain = [primary] + fonts.fallbacks(for: primary)
        chains[key] = chain
        return chain
    }

    /// The number `shape(_:style:)` knows a style and language by.
    func number(of style: TextStyle, language: String) -> Int {
        let key = StyleKey(style: style, language: language)
        if let known = styleNumbers[key] { return known }
        styles.append(key)
        styleFeatures.append(Self.features(for: style))
        styleLanguages.append(hb_language_from_string(language, -1))
        styleNumbers[key] = styles.count - 1
        return styles.count - 1
    }

    /// The style numbered `number`.
    func style(_ number: Int) -> TextStyle { styles[number].style }

    /// "-" and " " shaped in each style number: asked for at every hyphenation point and word
    /// space, found here by index rather than by hashing the text.
    @exclusivity(unchecked) private var hyphens: [ShapedText?] = []
    @exclusivity(unchecked) private var spaces: [ShapedText?] = []

    /// A hyphen in the style numbered `style`.
    func shapeHyphen(style: Int) throws(FontError) -> ShapedText { try shape("-", style: style, keptIn: &hyphens) }

    /// A word space in the style numbered `style`.
    func shapeSpace(style: Int) throws(FontError) -> ShapedText { try shape(" ", style: style, keptIn: &spaces) }

    /// `text` in style `style`, kept in `kept` by style number.
    private func shape(_ text: String, style: Int, keptIn kept: inout [ShapedText?]) throws(FontError) -> ShapedText {
        if style < kept.count, let known = kept[style] { return known }
        let shaped = try shape(text, style: style)
        while kept.count <= style { kept.append(nil) }
        kept[style] = shaped
        return shaped
    }

    /// `text` shaped in the style and language numbered `style` (see `number(of:language:)`).
    func shape(_ text: String, style: Int) throws(FontError) -> ShapedText {
        // (A copy to read in place: `withUTF8` may make a string contiguous.)
        var contiguous = text
        var result: Result<ShapedText, FontError>?
        contiguous.withUTF8 { utf8 in
            result = Result { () throws(FontError) -> ShapedText in try shape(utf8: utf8, style: style) { text } }
        }
        return try result!.get()
    }

    /// The text of UTF-8 `bytes` shaped in the style numbered `style`; `text` makes the text as
    /// a string, asked only when the bytes were not shaped before (most words of an issue are
    /// ones it has shaped already, and are found without making a string).
    func shape(utf8 bytes: UnsafeBufferPointer<UInt8>, style: Int, text: () -> String) throws(FontError) -> ShapedText {
        let hash = Self.hash(bytes, style: style)
        let mask = hashes.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while hashes[slot] != 0 {
            if hashes[slot] == hash, let entry = table[slot], entry.style == style, entry.bytes.count == bytes.count,
               bytes.isEmpty || entry.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) {
                return entry.shaped
            }
            slot = (slot + 1) & mask
        }
        let string = text()
        let shaped: ShapedText
        if let ascii = try shapeASCII(string, style: style) {
            shaped = ascii
        } else {
            shaped = try shapeUncached(string, style: style)
        }
        hashes[slot] = hash
        table[slot] = (style, Array(bytes), shaped)
        stored += 1
        if stored * 2 > table.count { grow() }
        return shaped
    }

    /// FNV-1a over the bytes, then the style number, mixed; never 0 (an empty slot's).
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>, style: Int) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        h = (h ^ UInt64(truncatingIfNeeded: style)) &* 0x100000001b3
        h ^= h >> 29
        return h == 0 ? 1 : h
    }

    /// Twice the table, every entry placed again.
    private func grow() {
        let count = table.count * 2, mask = count - 1
        var oldHashes = [UInt64](repeating: 0, count: count)
        var old = Array(repeating: nil, count: count) as [(style: Int, bytes: [UInt8], shaped: ShapedText)?]
        swap(&oldHashes, &hashes)
        swap(&old, &table)
        // Each entry moved, not copied: no count of references taken and given back for each.
        for index in old.indices where oldHashes[index] != 0 {
            var slot = Int(truncatingIfNeeded: oldHashes[index]) & mask
            while hashes[slot] != 0 { slot = (slot + 1) & mask }
            hashes[slot] = oldHashes[index]
            table[slot] = old[index].take()
        }
    }

    /// Text all in ASCII that the style's own face has every character of (most words): shaped
    /// in one piece, its UTF-8 offsets the clusters as they are. Nil for anything else.
    private func shapeASCII(_ text: String, style number: Int) throws(FontError) -> ShapedText? {
        let style = styles[number].style
        let chain = try faceChain(number: number)
        let face = chain[0]
        let covered: [Bool]
        if let known = asciiCoverage[ObjectIdentifier(face)] {
            covered = known
        } else {
            covered = (0..<128).map { face.covers(Unicode.Scalar(UInt8($0))) }
            asciiCoverage[ObjectIdentifier(face)] = covered
        }
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 < 0x80 && covered[Int($0)] }) else { return nil }
        if style.smallCaps {
            for i in bytes.indices where bytes[i] >= 0x61 && bytes[i] <= 0x7A { bytes[i] -= 32 }
            guard bytes.allSatisfy({ covered[Int($0)] }) else { return nil }
        }
        let (size, rise) = sizeAndRise(style, face: face)
        var glyphs: [ShapedGlyph] = []
        run(bytes, from: 0, to: bytes.count, face: face, faceIndex: 0, style: number, size: size, into: &glyphs) { min($0, bytes.count) }
        return ShapedText(text: text, style: style, size: size, rise: rise, faces: chain, glyphs: glyphs, missing: [])
    }

    /// The size glyphs of `style` are set at in `face`, and how far their baseline is raised.
    private func sizeAndRise(_ style: TextStyle, face: FontFace) -> (Double, Double) {
        var size = style.superscript ? style.size * TextStyle.superscriptScale : style.size
        // A face without small capitals of its own gets them made: capitals set smaller.
        if style.smallCaps && !hasSmallCapitals(face) { size *= TextStyle.syntheticSmallCapsScale }
        return (size, style.superscript ? style.size * TextStyle.superscriptRaise : 0)
    }

    /// HarfBuzz on `bytes[from..<to]` (with the rest as context) in `face`, the glyphs appended
    /// with their clusters mapped back to the original text by `cluster`.
    private func run(_ bytes: [UInt8], from: Int, to: Int, face: FontFace, faceIndex: Int, style number: Int, size: Double,
                     into glyphs: inout [ShapedGlyph], cluster: (Int) -> Int) {
        let scale = face.scale(at: size), tracking = styles[number].style.tracking * size
        hb_buffer_clear_contents(buffer)
        bytes.withUnsafeBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { chars in
                hb_buffer_add_utf8(buffer, chars.baseAddress, Int32(bytes.count), UInt32(from), Int32(to - from))
            }
        }
        hb_buffer_set_direction(buffer, HB_DIRECTION_LTR)
        hb_buffer_set_language(buffer, styleLanguages[number])
        hb_buffer_guess_segment_properties(buffer)
        styleFeatures[number].withUnsafeBufferPointer { hb_shape(face.hbFont, buffer, $0.baseAddress, UInt32($0.count)) }
        var count: UInt32 = 0
        let infos = hb_buffer_get_glyph_infos(buffer, &count)
        let positions = hb_buffer_get_glyph_positions(buffer, &count)
        glyphs.reserveCapacity(glyphs.count + Int(count))
        for i in 0..<Int(count) {
            let info = infos![i], position = positions![i]
            glyphs.append(ShapedGlyph(
                id: info.codepoint, face: faceIndex,
                advance: Double(position.x_advance) * scale + tracking,
                xOffset: Double(position.x_offset) * scale, yOffset: Double(position.y_offset) * scale,
                cluster: cluster(Int(info.cluster))))
        }
    }

    /// Any text: characters each set in the first face of the chain that has them.
    private func shapeUncached(_ text: String, style number: Int) throws(FontError) -> ShapedText {
        let style = styles[number].style
        let chain = try faceChain(number: number)
        let (size, rise) = sizeAndRise(style, face: chain[0])

        // The text HarfBuzz sees: upper-cased for small capitals, with a map from its UTF-8
        // offsets back to the original's so clusters keep pointing at what the author wrote.
        var shapingText = ""
        var originalOffset: [Int] = []
        var offset = 0
        var characters: [(character: Character, start: Int, end: Int)] = []
        for character in text {
            let form = style.smallCaps ? character.uppercased() : String(character)
            let start = shapingText.utf8.count
            shapingText += form
            originalOffset += Array(repeating: offset, count: form.utf8.count)
            characters.append((character, start, shapingText.utf8.count))
            offset += character.utf8.count
        }
        originalOffset.append(offset)

        // Fallback, cluster by cluster: each character goes to the first face that has all of
        // its scalars (default-ignorable ones such as joiners and variation selectors aside).
        var missing: [Character] = []
        var choice: [Int] = []
        for (character, _, _) in characters {
            let scalars = character.unicodeScalars.filter { !$0.properties.isDefaultIgnorableCodePoint }
            if let found = chain.firstIndex(where: { face in scalars.allSatisfy { face.covers($0) } }) {
                choice.append(found)
            } else {
                if !character.isWhitespace { missing.append(character) }
                choice.append(0)
            }
        }

        var glyphs: [ShapedGlyph] = []
        var start = 0
        let bytes = Array(shapingText.utf8)
        while start < characters.count {
            var end = start
            while end < characters.count && choice[end] == choice[start] { end += 1 }
            run(bytes, from: characters[start].start, to: characters[end - 1].end, face: chain[choice[start]], faceIndex: choice[start],
                style: number, size: size, into: &glyphs) { originalOffset[min($0, originalOffset.count - 1)] }
            start = end
        }
        return ShapedText(text: text, style: style, size: size, rise: rise, faces: chain, glyphs: glyphs, missing: missing)
    }

    private var smallCapitals: [ObjectIdentifier: Bool] = [:]

    /// Whether the face's `c2sc` turns capitals into small capitals (some, like PT Serif's,
    /// only map punctuation): "H" shaped with and without it.
    func hasSmallCapitals(_ face: FontFace) -> Bool {
        if let known = smallCapitals[ObjectIdentifier(face)] { return known }
        func glyph(_ features: [hb_feature_t]) -> UInt32 {
            let buffer = hb_buffer_create()
            defer { hb_buffer_destroy(buffer) }
            hb_buffer_add_utf8(buffer, "H", 1, 0, 1)
            hb_buffer_guess_segment_properties(buffer)
            features.withUnsafeBufferPointer { hb_shape(face.hbFont, buffer, $0.baseAddress, UInt32($0.count)) }
            var count: UInt32 = 0
            let infos = hb_buffer_get_glyph_infos(buffer, &count)
            return count > 0 ? infos![0].codepoint : 0
        }
        var c2sc = hb_feature_t()
        hb_feature_from_string("c2sc", -1, &c2sc)
        let result = glyph([c2sc]) != glyph([])
        smallCapitals[ObjectIdentifier(face)] = result
        return result
    }

    /// Kerning and standard ligatures are HarfBuzz's defaults; the style adds the rest.
    private static func features(for style: TextStyle) -> [hb_feature_t] {
        var tags = style.features
        if style.smallCaps { tags.append("c2sc") }
        return tags.compactMap { tag in
            var feature = hb_feature_t()
            return hb_feature_from_string(tag, -1, &feature) != 0 ? feature : nil
        }
    }
}
